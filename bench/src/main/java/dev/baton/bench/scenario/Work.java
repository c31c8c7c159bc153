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
}
