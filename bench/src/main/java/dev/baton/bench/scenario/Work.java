package dev.baton.bench.scenario;

/**
 * The CPU-bound unit of work every GIL benchmark and scenario uses: one step of a 64-bit linear
 * congruential generator. Each step depends on the previous one, so the JIT can neither vectorise
 * nor drop a loop of them as long as the final value is used.
 */
public final class Work {
  private Work() {}

  /**
   * @param x the previous value
   * @return the next value
   */
  public static long step(long x) {
    return x * 6364136223846793005L + 1442695040888963407L;
  }

  /**
   * The examples' CPU workload ({@code cpu} command): the sum of {@code i * i} for {@code i < n}.
   *
   * @param n how many squares
   * @return the sum, modulo 2^64
   */
  public static long sumOfSquares(long n) {
    long sum = 0;
    for (long i = 0; i < n; i++) {
      sum += i * i;
    }
    return sum;
  }

  /**
   * The same sum with {@code checkpoint} run after every {@code interval} squares, in the shape of
   * the examples' workload (an int-counted inner loop; see {@code Workloads.sumOfSquares}).
   *
   * @param n how many squares
   * @param interval squares between two checkpoints
   * @param checkpoint what runs between them
   * @return the sum, modulo 2^64
   */
  public static long sumOfSquares(long n, int interval, Runnable checkpoint) {
    long sum = 0;
    for (long start = 0; start < n; start += interval) {
      int chunk = (int) Math.min(interval, n - start);
      for (int k = 0; k < chunk; k++) {
        long i = start + k;
        sum += i * i;
      }
      checkpoint.run();
    }
    return sum;
  }
}
