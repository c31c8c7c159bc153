package dev.baton.gil;

/**
 * Wait times of contended acquisitions, log-linear: 8 buckets per power of two, so a percentile is
 * within 12.5% of the true value (the maximum is exact). Guarded by the GIL's mutex.
 */
final class WaitHistogram {
  private static final int SUB_BUCKETS = 8;
  private final long[] counts = new long[64 * SUB_BUCKETS];
  private long total;
  private long max;

  void record(long nanos) {
    long v = Math.max(0, nanos);
    counts[index(v)]++;
    total++;
    max = Math.max(max, v);
  }

  static int index(long v) {
    if (v < SUB_BUCKETS) {
      return (int) v;
    }
    int exponent = 63 - Long.numberOfLeadingZeros(v);
    int sub = (int) (v >>> (exponent - 3)) & (SUB_BUCKETS - 1);
    return (exponent - 2) * SUB_BUCKETS + sub;
  }

  /** The largest value that falls in bucket {@code index}. */
  static long upperBound(int index) {
    if (index < SUB_BUCKETS) {
      return index;
    }
    int exponent = index / SUB_BUCKETS + 2;
    int sub = index % SUB_BUCKETS;
    long low = (1L << exponent) + ((long) sub << (exponent - 3));
    return low + (1L << (exponent - 3)) - 1;
  }

  long count() {
    return total;
  }

  long max() {
    return max;
  }

  /**
   * @param fraction in [0, 1]
   * @return the value at that quantile (bucket upper bound, capped at the maximum), 0 when empty
   */
  long quantile(double fraction) {
    if (total == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(fraction * total));
    long seen = 0;
    for (int i = 0; i < counts.length; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(upperBound(i), max);
      }
    }
    return max;
  }
}
