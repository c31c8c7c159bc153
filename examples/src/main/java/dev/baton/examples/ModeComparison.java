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

  /** One mode's run of the workload. */
  @FunctionalInterface
  interface ModeRun {
    /**
     * @param progress to step once per item
     * @return the mode's result, which {@link Timing#measure} keeps
     * @throws Exception when the mode fails
     */
    long run(Progress progress) throws Exception;
  }

  /**
   * Runs one mode once, with a progress bar of {@code items} steps named {@code "<command>
   * <mode>"}, recorded as its own diagram {@code <command>-<mode>} when tracing is on.
   *
   * @param command the command's name
   * @param mode the mode
   * @param title the diagram's title
   * @param items how many items the mode works through
   * @param run the mode's work
   * @return its result
   * @throws Exception whatever the mode throws
   */
  long runMode(String command, String mode, String title, int items, ModeRun run) throws Exception {
    try (Progress progress = Progress.start(command + " " + mode, items, progress(), System.err)) {
      return traces.record(command + "-" + mode, title, () -> run.run(progress));
    }
  }

  /**
   * Prints the comparison of the modes that ran: each one's time, its speed-up over the sequential
   * run (when that ran), a column of the command's own, and the article's figure.
   *
   * @param out where to print
   * @param modes the modes that ran, in order
   * @param seconds their times
   * @param column the heading of the command's own column
   * @param values that column's values, by mode
   * @param articleColumn the heading of the article's figures
   * @param articleSeconds the article's figures, by mode (absent for modes it did not run)
   */
  static void printComparison(
      Output out,
      List<String> modes,
      Map<String, Double> seconds,
      String column,
      Map<String, ?> values,
      String articleColumn,
      Map<String, Double> articleSeconds) {
    double sequential = seconds.getOrDefault("sequential", Double.NaN);
    Table table = new Table("mode", "seconds", "speed-up", column, articleColumn);
    for (String m : modes) {
      table.row(
          m,
          seconds.get(m),
          Double.isNaN(sequential) ? null : Timing.speedUp(sequential, seconds.get(m)),
          values.get(m),
          articleSeconds.get(m));
    }
    out.println("");
    out.printf("%s", table.render());
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
