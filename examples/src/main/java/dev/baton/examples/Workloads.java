package dev.baton.examples;

import java.util.Arrays;

/**
 * The CPU-bound workload of Real Python's "Speed Up Your Python Program With Concurrency": {@code
 * sum(i * i for i in range(n))} for twenty numbers {@code n = base + x}, {@code x < 20}.
 *
 * <p>The article uses {@code base = 5_000_000}; the JIT-compiled loop here is about 100 times
 * faster than CPython's, so the examples scale {@code base} up to make the sequential run take
 * about 2 seconds. Sums wrap around modulo 2<sup>64</sup> (Python's integers do not); the work is
 * the same.
 *
 * <p>Threading: all methods are pure and may run on any thread at once.
 *
 * <p>Public for the benchmarks, which measure this very loop ({@code GilBench}); not API.
 */
public final class Workloads {
  /** How many numbers the article sums squares of. */
  static final int NUMBERS = 20;

  /** The article's base: 5 000 000. */
  static final long ARTICLE_BASE = 5_000_000L;

  /** Base for the full run: about 2 s sequentially on the 2-core machine Baton is built on. */
  static final long DEFAULT_BASE = 200_000_000L;

  /** Base for {@code --quick}: a tenth of the full run. */
  static final long QUICK_BASE = 20_000_000L;

  private Workloads() {}

  /**
   * @param base the smallest number
   * @return the article's twenty numbers {@code base + x}, {@code x < 20}
   * @throws IllegalArgumentException if {@code base} is negative or so large that a number
   *     overflows
   */
  static long[] numbers(long base) {
    if (base < 0 || base > Long.MAX_VALUE - NUMBERS) {
      throw new IllegalArgumentException(
          "base must be between 0 and Long.MAX_VALUE - " + NUMBERS + ", got " + base);
    }
    long[] numbers = new long[NUMBERS];
    Arrays.setAll(numbers, x -> base + x);
    return numbers;
  }

  /**
   * {@code sum(i * i for i in range(n))}, modulo 2<sup>64</sup>.
   *
   * @param n how many squares to add; 0 gives 0
   * @return the sum
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public static long sumOfSquares(long n) {
    requireCount(n);
    long sum = 0;
    for (long i = 0; i < n; i++) {
      sum += i * i;
    }
    return sum;
  }

  /**
   * The same sum, calling {@code checkpoint} after every {@code interval} squares: what an
   * interpreter does between bytecodes, where a thread under the GIL may hand it over.
   *
   * @param n how many squares to add
   * @param interval squares between two checkpoints, at least 1
   * @param checkpoint called {@code ceil(n / interval)} times, on the calling thread
   * @return the sum, equal to {@link #sumOfSquares(long)}
   * @throws IllegalArgumentException if {@code n} is negative or {@code interval} is not positive
   */
  public static long sumOfSquares(long n, int interval, Runnable checkpoint) {
    requireCount(n);
    if (interval < 1) {
      throw new IllegalArgumentException("interval must be at least 1, got " + interval);
    }
    long sum = 0;
    for (long start = 0; start < n; start += interval) {
      // an int-counted inner loop: C2 unrolls and vectorises it as it does the plain loop; a
      // long-indexed one (for (long i = start; i < end; i++)) nested in this one it compiles as a
      // general loop, which took twice the plain loop's time, checkpoint or not
      int chunk = (int) Math.min(interval, n - start);
      for (int k = 0; k < chunk; k++) {
        long i = start + k;
        sum += i * i;
      }
      checkpoint.run();
    }
    return sum;
  }

  /**
   * @param numbers the numbers to run
   * @return the sum of {@link #sumOfSquares(long)} over all of them, computed in sequence
   */
  static long sequential(long[] numbers) {
    long total = 0;
    for (long n : numbers) {
      total += sumOfSquares(n);
    }
    return total;
  }

  private static void requireCount(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, got " + n);
    }
  }
}
