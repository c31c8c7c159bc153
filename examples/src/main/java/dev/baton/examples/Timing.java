package dev.baton.examples;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Wall-clock timing for the examples' printed figures. */
final class Timing {
  private Timing() {}

  /** An action to time. */
  @FunctionalInterface
  interface Action {
    void run() throws Exception;
  }

  /**
   * @param action what to time
   * @return its wall-clock duration in seconds
   * @throws Exception whatever the action throws
   */
  static double seconds(Action action) throws Exception {
    long start = System.nanoTime();
    action.run();
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * @param values at least one value
   * @return their median (the mean of the middle two for an even count)
   * @throws IllegalArgumentException if there are none
   */
  static double median(double... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("the median of no values is undefined");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * @param baseline the reference time
   * @param time the time to compare, or null when that mode did not run
   * @return {@code baseline / time} rounded to two decimals, or null
   */
  static Double speedUp(double baseline, Double time) {
    if (time == null || time <= 0) {
      return null;
    }
    return Math.round(baseline / time * 100) / 100.0;
  }

  /**
   * The tour's summary of a command that times modes against a sequential run.
   *
   * @param figures a command's figures, holding {@code <mode>_s} for each mode that ran
   * @param modes the modes to mention, the first being the baseline
   * @return e.g. {@code "sequential 1.93 s; threads x0.98; processes x1.85"}
   */
  static String speedUpLine(Map<String, Object> figures, List<String> modes) {
    StringBuilder line = new StringBuilder();
    Object baseline = figures.get(modes.get(0) + "_s");
    for (String mode : modes) {
      if (!(figures.get(mode + "_s") instanceof Double seconds)) {
        continue;
      }
      line.append(line.isEmpty() ? "" : "; ").append(mode).append(' ');
      if (mode.equals(modes.get(0)) || !(baseline instanceof Double base)) {
        line.append(String.format("%.2f s", seconds));
      } else {
        line.append(String.format("x%.2f", speedUp(base, seconds)));
      }
    }
    return line.toString();
  }

  /**
   * @param seconds a duration
   * @return it rounded to milliseconds, for the JSON figures
   */
  static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
