package dev.baton.bench.scenario;

/**
 * The CPU-bound unit of work every GIL benchmark and scenario uses: one step of Marsaglia's
 * xorshift64 generator. Each step depends on the previous one through shifts and exclusive ors, so
 * the JIT can neither vectorise a loop of them nor fold it into fewer steps as long as the final
 * value is used. (A linear congruential step {@code x * a + c} does not have that property: C2
 * folds a counted loop of them, turning 100 million steps into about a millisecond.)
 */
public final class Work {
  private Work() {}

  /**
   * @param x the previous value, not zero (zero is xorshift's fixed point)
   * @return the next value, not zero when {@code x} is not
   */
  public static long step(long x) {
    x ^= x << 13;
    x ^= x >>> 7;
    return x ^ (x << 17);
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
