package dev.baton.examples;

import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * A command that runs one workload in several concurrency models ("modes") and compares each with
 * the sequential run, as the Real Python article does: {@code cpu} and {@code io}. Each mode is
 * drawn as its own diagram ({@code <command>-<mode>.svg}).
 */
abstract class ModeComparison extends ExampleCommand {
  @Option(
      names = "--threads",
      defaultValue = "5",
      description = "Threads in the pool (default: ${DEFAULT-VALUE}, as in the article).")
  int threads;

  @Option(
      names = "--repeat",
      defaultValue = "1",
      description = "Run each mode this many times, interleaved, and report medians (default: 1).")
  int repeat;

  @Option(
      names = "--processes",
      description = "Worker JVMs in processes mode (default: one per core, as Pool() does).")
  Integer processes;

  /**
   * @return how many worker JVMs the processes mode starts
   */
  int workers() {
    return processes != null ? processes : Runtime.getRuntime().availableProcessors();
  }

  /**
   * @return every mode the JSON figures have a {@code <mode>_s} key for, the sequential baseline
   *     first, whether this build runs it or not
   */
  abstract List<String> allModes();

  @Override
  final boolean tracesItsParts() {
    return true;
  }

  @Override
  String summary(Map<String, Object> figures) {
    return Timing.speedUpLine(figures, allModes());
  }

  /**
   * Puts {@code <mode>_s} for every mode into the figures, null for modes that did not run.
   *
   * @param figures the command's figures
   * @param seconds the modes' times
   */
  void putSeconds(Map<String, Object> figures, Map<String, Double> seconds) {
    for (String m : allModes()) {
      Double s = seconds.get(m);
      figures.put(m + "_s", s == null ? null : Timing.round(s));
    }
  }
}
