package dev.baton.examples;

import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilStats;
import dev.baton.gil.GilThreads;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Beazley's countdown under Baton's GIL: one thread, N threads holding the GIL, N threads with it
 * released; then N CPU-bound threads sharing the GIL for a while, to see how evenly they share it.
 */
@Command(
    name = "gil",
    mixinStandardHelpOptions = true,
    description = {
      "The GIL makes CPU-bound threads take turns (David Beazley's countdown experiment).",
      "1. count down once on one thread; 2. split the same count over N threads that hold the",
      "GIL (a checkpoint per step, so they pass it every switch interval); 3. the same N threads",
      "with the GIL released (as C code does). Then fairness: N threads share the GIL for a",
      "while; the Jain index of their CPU shares (1 = perfectly even) and the worst wait."
    })
final class GilCommand extends ExampleCommand {
  static final long DEFAULT_COUNT = 250_000_000L;
  static final long QUICK_COUNT = 100_000_000L;

  @Option(
      names = "--threads",
      defaultValue = "4",
      description = "Threads in the threaded runs (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--interval-ms",
      defaultValue = "5",
      description = "The switch interval in milliseconds (default: ${DEFAULT-VALUE}, CPython's).")
  double intervalMs;

  @Option(
      names = "--policy",
      defaultValue = "fair",
      description = "The GIL's policy: fair or cpython (default: ${DEFAULT-VALUE}).")
  String policy;

  @Option(
      names = "--count",
      description =
          "Steps to count down (default: " + DEFAULT_COUNT + ", with --quick " + QUICK_COUNT + ").")
  Long count;

  @Option(
      names = "--repeat",
      defaultValue = "3",
      description =
          "Run each countdown this many times, interleaved, and report medians (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--quick", description = "A small count and a short fairness run (for the tour).")
  boolean quick;

  @Override
  String summary(Map<String, Object> figures) {
    return String.format(
        Locale.ROOT,
        "%d threads under the GIL: %.2fx one thread; released: %.2fx; Jain %.3f",
        figures.get("threads"),
        (Double) figures.get("ratio_threads_vs_single"),
        (Double) figures.get("ratio_released_vs_single"),
        (Double) figures.get("jain"));
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    if (threads < 1 || threads > 256) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--threads must be between 1 and 256, was " + threads);
    }
    GilPolicy gilPolicy = ConvoyCommand.policy(spec, policy);
    Duration interval = Duration.ofNanos(Math.round(intervalMs * 1_000_000));
    try {
      GilRuntime.builder().switchInterval(interval);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--interval-ms: " + e.getMessage());
    }
    long steps = count != null ? count : quick ? QUICK_COUNT : DEFAULT_COUNT;
    Duration fairnessRun = quick ? Duration.ofMillis(500) : Duration.ofSeconds(2);
    out.printf(
        "Counting down %,d steps; %d threads; %s policy; switch interval %s ms%n",
        steps, threads, gilPolicy.name().toLowerCase(Locale.ROOT), fmt(intervalMs));
    // Compile the loops first (with and without a GIL), so that no run is charged for the JIT.
    timeCountdown(gilPolicy, interval, 1, steps / 10, false);
    timeCountdown(gilPolicy, interval, threads, steps / 10, true);
    GilStats[] threadedStats = new GilStats[1];
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    Timing.Measured measured =
        Timing.measure(
            List.of("single", "threads", "released"),
            repeat,
            m -> {
              Countdown c =
                  switch (m) {
                    case "single" -> timeCountdown(gilPolicy, interval, 1, steps, false);
                    case "threads" -> timeCountdown(gilPolicy, interval, threads, steps, false);
                    default -> timeCountdown(gilPolicy, interval, threads, steps, true);
                  };
              if (m.equals("threads")) {
                threadedStats[0] = c.stats;
              }
              cpu.computeIfAbsent(m, k -> new ArrayList<>()).add(c.cpuSeconds);
              return c.result;
            });
    double single = measured.seconds().get("single");
    Countdown underGil =
        new Countdown(measured.seconds().get("threads"), threadedStats[0], 0, Double.NaN);
    double released = measured.seconds().get("released");
    double singleCpu = median(cpu.get("single"));
    double threadsCpu = median(cpu.get("threads"));
    Fairness fairness = fairness(gilPolicy, interval, threads, fairnessRun);

    Table table = new Table("run", "seconds", "vs one thread");
    table.row("1 thread", single, 1.0);
    table.row(threads + " threads, GIL held", underGil.seconds, underGil.seconds / single);
    table.row(threads + " threads, GIL released", released, released / single);
    out.println("");
    out.printf("%s", table.render());
    out.printf(
        "CPU time of the counting threads: %.2f s for one thread, %.2f s for %d threads under the"
            + " GIL (x%.3f, the GIL's own cost, whatever the machine's load)%n",
        singleCpu, threadsCpu, threads, threadsCpu / singleCpu);
    if (underGil.seconds < single / 1.1) {
      double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      out.printf(
          "(The threads under the GIL finished before the single thread, which the GIL does not"
              + " allow: the machine's other work%s changed between the two runs. The CPU-time"
              + " line above is the GIL's measure; rerun with --repeat 3 for medians of"
              + " interleaved runs.)%n",
          load < 0 ? "" : String.format(Locale.ROOT, " (load average %.1f)", load));
    }
    out.println("");
    out.printf(
        "Fairness over %.1f s with %d threads: Jain index %.4f (1 = even), worst wait %.1f ms"
            + " (%.1f intervals), %d switches, GIL held %.0f%% of the time%n",
        fairnessRun.toMillis() / 1000.0,
        threads,
        fairness.jain,
        fairness.worstWaitMs,
        fairness.worstWaitMs / intervalMs,
        fairness.stats.handOffs(),
        fairness.stats.heldFraction() * 100);
    out.printf(
        "CPU shares: %s%n",
        String.join(" ", fairness.shares.stream().map(s -> fmtPct(s)).toList()));

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("policy", gilPolicy.name().toLowerCase(Locale.ROOT));
    figures.put("threads", threads);
    figures.put("interval_ms", intervalMs);
    figures.put("count", steps);
    figures.put("repeat", repeat);
    figures.put("single_s", Timing.round(single));
    figures.put("threads_s", Timing.round(underGil.seconds));
    figures.put("released_s", Timing.round(released));
    figures.put("ratio_threads_vs_single", round3(underGil.seconds / single));
    figures.put("ratio_released_vs_single", round3(released / single));
    figures.put("single_cpu_s", Timing.round(singleCpu));
    figures.put("threads_cpu_s", Timing.round(threadsCpu));
    figures.put("cpu_ratio_threads_vs_single", round3(threadsCpu / singleCpu));
    figures.put("countdown_switches", underGil.stats.handOffs());
    figures.put("jain", Math.round(fairness.jain * 10_000) / 10_000.0);
    figures.put("worst_wait_ms", round3(fairness.worstWaitMs));
    figures.put("wait_p50_ms", round3(fairness.stats.waitP50().toNanos() / 1e6));
    figures.put("switches", fairness.stats.handOffs());
    figures.put("drop_requests", fairness.stats.dropRequests());
    figures.put("forced_switches", fairness.stats.forcedSwitches());
    figures.put("gil_held_fraction", round3(fairness.stats.heldFraction()));
    figures.put("shares", fairness.shares.stream().map(GilCommand::round3).toList());
    return figures;
  }

  /** The countdown, Beazley's {@code while n > 0: n -= 1}, with a checkpoint per step. */
  static long countDown(long n, Gil gil) {
    long acc = 0;
    while (n > 0) {
      acc = acc * 6364136223846793005L + n;
      n--;
      if (gil != null) {
        gil.checkpoint();
      }
    }
    return acc;
  }

  /**
   * @param seconds wall-clock time
   * @param stats the runtime's GIL statistics
   * @param result what the run computed
   * @param cpuSeconds CPU time of the counting threads together, which the machine's load does not
   *     change: the cost of the GIL itself
   */
  private record Countdown(double seconds, GilStats stats, long result, double cpuSeconds) {}

  private static double median(List<Double> values) {
    return Timing.median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private Countdown timeCountdown(
      GilPolicy gilPolicy, Duration interval, int n, long steps, boolean release) throws Exception {
    long[] sink = new long[n];
    long[] cpuNanos = new long[n];
    ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
    long start;
    GilRuntime runtime = runtime(gilPolicy, interval, "countdown", false);
    try (runtime) {
      Gil gil = runtime.gil();
      start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        int k = i;
        long share = steps / n + (i < steps % n ? 1 : 0);
        runtime.startThread(
            "countdown-" + i,
            () -> {
              if (release) {
                // what C code does around a long computation: Py_BEGIN_ALLOW_THREADS
                sink[k] = GilThreads.call(() -> countDown(share, null));
              } else {
                sink[k] = countDown(share, gil);
              }
              cpuNanos[k] = threadBean.getCurrentThreadCpuTime();
            });
      }
    } // close() waits for the threads
    double seconds = (System.nanoTime() - start) / 1e9;
    blackhole(sink);
    long cpuTotal = 0;
    for (long c : cpuNanos) {
      cpuTotal += c;
    }
    return new Countdown(seconds, runtime.stats(), steps, cpuTotal / 1e9);
  }

  private record Fairness(double jain, double worstWaitMs, List<Double> shares, GilStats stats) {}

  private Fairness fairness(GilPolicy gilPolicy, Duration interval, int n, Duration run)
      throws Exception {
    AtomicLongArray progress = new AtomicLongArray(n);
    AtomicBoolean stop = new AtomicBoolean();
    long[] sink = new long[n];
    GilRuntime runtime = runtime(gilPolicy, interval, "fairness", true);
    try (runtime) {
      Gil gil = runtime.gil();
      for (int i = 0; i < n; i++) {
        int k = i;
        runtime.startThread(
            "spinner-" + i,
            () -> {
              long done = 0;
              long acc = 0;
              while (!stop.get()) {
                acc += countDown(1024, gil);
                done += 1024;
                progress.setOpaque(k, done);
              }
              sink[k] = acc;
            });
      }
      Thread.sleep(run);
      stop.set(true);
    }
    blackhole(sink);
    List<Double> shares = new ArrayList<>();
    double sum = 0;
    double sumSquares = 0;
    long total = 0;
    for (int i = 0; i < n; i++) {
      total += progress.get(i);
    }
    for (int i = 0; i < n; i++) {
      double x = progress.get(i);
      sum += x;
      sumSquares += x * x;
      shares.add(total == 0 ? 0.0 : x / total);
    }
    double jain = sumSquares == 0 ? 0 : sum * sum / (n * sumSquares);
    GilStats stats = runtime.stats();
    return new Fairness(jain, stats.waitMax().toNanos() / 1e6, shares, stats);
  }

  private static GilRuntime runtime(
      GilPolicy gilPolicy, Duration interval, String name, boolean holdTiming) {
    return GilRuntime.builder()
        .name(name)
        .policy(gilPolicy)
        .switchInterval(interval)
        .holdTiming(holdTiming)
        .build();
  }

  private static void blackhole(long[] sink) {
    long x = 0;
    for (long v : sink) {
      x ^= v;
    }
    if (x == 42) {
      System.err.print("");
    }
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static String fmtPct(double share) {
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }
}
