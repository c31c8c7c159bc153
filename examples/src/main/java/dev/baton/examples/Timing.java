package dev.baton.examples;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wall-clock timing for the examples' printed figures. */
final class Timing {
  private Timing() {}

  /** One mode of an example: runs it once and returns what it produced (a sum, a byte count). */
  @FunctionalInterface
  interface Mode {
    long run(String mode) throws Exception;
  }

  /**
   * What {@link #measure} found.
   *
   * @param seconds each mode's median wall-clock time, in the order the modes ran
   * @param coresUsed each mode's median of the process's CPU time over the wall-clock time: how
   *     many cores it kept busy on average (absent where the JVM cannot tell)
   * @param results each mode's result in its last round
   */
  record Measured(
      Map<String, Double> seconds, Map<String, Double> coresUsed, Map<String, Long> results) {}

  private static final OperatingSystemMXBean OS =
      ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os ? os : null;

  /** The JVM's CPU time so far in nanoseconds, all threads together, or -1 when unknown. */
  private static long processCpuNanos() {
    return OS == null ? -1 : OS.getProcessCpuTime();
  }

  /**
   * Runs every mode {@code rounds} times, interleaved (all modes in order, then again), so that a
   * burst of load on the machine hits every mode alike, and keeps each mode's median.
   *
   * @param modes the modes, in order
   * @param rounds how many times to run each, at least 1
   * @param mode runs one mode once
   * @return medians and results
   * @throws IllegalArgumentException if {@code rounds} is less than 1
   * @throws Exception whatever a mode throws
   */
  static Measured measure(List<String> modes, int rounds, Mode mode) throws Exception {
    if (rounds < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1, got " + rounds);
    }
    Map<String, double[]> times = new LinkedHashMap<>();
    Map<String, double[]> cores = new LinkedHashMap<>();
    Map<String, Long> results = new LinkedHashMap<>();
    for (String m : modes) {
      times.put(m, new double[rounds]);
      cores.put(m, new double[rounds]);
    }
    boolean cpuKnown = processCpuNanos() >= 0;
    for (int round = 0; round < rounds; round++) {
      for (String m : modes) {
        long cpu = processCpuNanos();
        long start = System.nanoTime();
        results.put(m, mode.run(m));
        long wall = System.nanoTime() - start;
        times.get(m)[round] = wall / 1e9;
        cores.get(m)[round] = wall > 0 ? (double) (processCpuNanos() - cpu) / wall : 0;
      }
    }
    Map<String, Double> seconds = new LinkedHashMap<>();
    times.forEach((m, t) -> seconds.put(m, median(t)));
    Map<String, Double> coresUsed = new LinkedHashMap<>();
    if (cpuKnown) {
      cores.forEach((m, c) -> coresUsed.put(m, median(c)));
    }
    return new Measured(seconds, coresUsed, results);
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
