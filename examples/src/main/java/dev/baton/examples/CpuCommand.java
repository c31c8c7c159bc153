package dev.baton.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * CPU-bound work in each concurrency model: Real Python's sum of squares over twenty numbers. Only
 * models that put the work on several cores at once speed it up.
 */
@Command(
    name = "cpu",
    mixinStandardHelpOptions = true,
    description = {
      "CPU-bound work: sum(i*i for i in range(n)) for twenty numbers n = base + x, x < 20, as",
      "in Real Python's \"Speed Up Your Python Program With Concurrency\" (base 5 000 000 there,",
      "scaled up here so the sequential run takes about 2 s). Computing is what takes the time,",
      "so only models that compute on several cores at once speed it up."
    })
final class CpuCommand extends ExampleCommand {
  /** Every mode the JSON figures have a key for, whether this build runs it or not. */
  static final List<String> ALL_MODES =
      List.of("sequential", "threads", "released", "loop", "processes");

  /** The modes this build runs, in the order {@code --mode all} runs them. */
  static final List<String> MODES = List.of("sequential");

  /** The article's figures, in seconds, by mode. */
  static final Map<String, Double> ARTICLE_SECONDS =
      Map.of("sequential", 7.83, "threads", 10.41, "processes", 2.52);

  @Option(
      names = "--mode",
      defaultValue = "all",
      description = "sequential or all (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(
      names = "--base",
      description =
          "The smallest n (default: "
              + Workloads.DEFAULT_BASE
              + ", or "
              + Workloads.QUICK_BASE
              + " with --quick; the article's is "
              + Workloads.ARTICLE_BASE
              + ").")
  Long base;

  @Option(names = "--quick", description = "A tenth of the work, for CI and the quick tour.")
  boolean quick;

  @Override
  String summary(Map<String, Object> figures) {
    return Timing.speedUpLine(figures, ALL_MODES);
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    List<String> modes = modes(mode, MODES);
    long[] numbers =
        Workloads.numbers(
            base != null ? base : quick ? Workloads.QUICK_BASE : Workloads.DEFAULT_BASE);
    int cores = Runtime.getRuntime().availableProcessors();
    out.printf(
        "Summing squares below %d numbers from %,d to %,d on %d cores%n",
        numbers.length, numbers[0], numbers[numbers.length - 1], cores);
    // Compile the loop before timing, so that the first mode is not charged for the JIT.
    Workloads.sequential(Workloads.numbers(Workloads.QUICK_BASE / 20));
    Map<String, Double> seconds = new LinkedHashMap<>();
    Long result = null;
    for (String m : modes) {
      long[] total = new long[1];
      seconds.put(m, Timing.seconds(() -> total[0] = compute(m, numbers)));
      if (result != null && result != total[0]) {
        throw new IllegalStateException(
            "mode " + m + " computed " + total[0] + " but an earlier mode computed " + result);
      }
      result = total[0];
    }
    double sequential = seconds.getOrDefault("sequential", Double.NaN);
    Table table = new Table("mode", "seconds", "speed-up", "article s");
    for (String m : modes) {
      table.row(
          m,
          seconds.get(m),
          Double.isNaN(sequential) ? null : Timing.speedUp(sequential, seconds.get(m)),
          ARTICLE_SECONDS.get(m));
    }
    out.println("");
    out.printf("%s", table.render());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("numbers", numbers.length);
    figures.put("base", numbers[0]);
    figures.put("cores", cores);
    for (String m : ALL_MODES) {
      Double s = seconds.get(m);
      figures.put(m + "_s", s == null ? null : Timing.round(s));
    }
    figures.put("result", result);
    return figures;
  }

  private long compute(String mode, long[] numbers) {
    try (Progress progress =
        Progress.start("cpu " + mode, numbers.length, progress(), System.err)) {
      return switch (mode) {
        case "sequential" -> sequential(numbers, progress);
        default -> throw new IllegalStateException("no such mode: " + mode);
      };
    }
  }

  private static long sequential(long[] numbers, Progress progress) {
    long total = 0;
    for (long n : numbers) {
      total += Workloads.sumOfSquares(n);
      progress.step();
    }
    return total;
  }
}
