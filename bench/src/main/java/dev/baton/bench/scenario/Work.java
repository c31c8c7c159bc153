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
}
