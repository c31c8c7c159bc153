package dev.baton.bench.scenario;

import java.util.Arrays;

/**
 * A growable array of latency samples in nanoseconds, and percentiles by the nearest-rank method
 * over the sorted samples (no histogram library: the counts here are small enough to sort).
 *
 * <p>Not thread-safe: one recorder thread per instance; merge them with {@link #addAll} after the
 * recorders have finished.
 */
public final class Samples {
  private long[] values;
  private int size;
  private boolean sorted;

  /**
   * @param expected initial capacity
   */
  public Samples(int expected) {
    values = new long[Math.max(16, expected)];
  }

  /**
   * @param nanos one sample
   */
  public void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
    sorted = false;
  }

  /**
   * @param other samples to add to these
   */
  public void addAll(Samples other) {
    for (int i = 0; i < other.size; i++) {
      add(other.values[i]);
    }
  }

  /**
   * @return how many samples were added
   */
  public int size() {
    return size;
  }

  /**
   * @param percent in (0, 100]
   * @return the smallest sample such that at least {@code percent}% of the samples are ≤ it
   * @throws IllegalStateException if there are no samples
   */
  public long percentileNanos(double percent) {
    if (percent <= 0 || percent > 100) {
      throw new IllegalArgumentException("percent must be in (0, 100], got " + percent);
    }
    sort();
    int rank = (int) Math.ceil(percent / 100.0 * size);
    return values[Math.max(0, rank - 1)];
  }

  /**
   * @return the largest sample
   * @throws IllegalStateException if there are no samples
   */
  public long maxNanos() {
    sort();
    return values[size - 1];
  }

  private void sort() {
    if (size == 0) {
      throw new IllegalStateException("no samples were recorded");
    }
    if (!sorted) {
      Arrays.sort(values, 0, size);
      sorted = true;
    }
  }
}
