package dev.baton.examples;

import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.eventloop.EventLoop;
import dev.baton.gil.Gil;
import dev.baton.gil.GilRuntime;
import dev.baton.process.ProcessPool;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
final class CpuCommand extends ModeComparison {
  /** Every mode the JSON figures have a key for, whether this build runs it or not. */
  static final List<String> ALL_MODES =
      List.of("sequential", "threads", "released", "loop", "processes");

  /** The modes this build runs, in the order {@code --mode all} runs them. */
  static final List<String> MODES =
      List.of("sequential", "threads", "released", "loop", "processes");

  /**
   * The GIL watchdog's threshold for the examples' runtimes: their threads reach a checkpoint every
   * microsecond or so, so only a machine too busy to schedule them could trip the default 100 ms.
   */
  static final Duration WATCHDOG = Duration.ofSeconds(2);

  /** Squares between two checkpoints of a thread holding the GIL: its "bytecodes". */
  static final int CHECKPOINT_INTERVAL = 1000;

  /** The diagrams' titles, by mode. */
  static final Map<String, String> TITLES =
      Map.of(
          "sequential", "CPU-bound, sequential: one thread works all the time",
          "threads", "CPU-bound, threads under the GIL: one works, the others wait for the GIL",
          "released", "CPU-bound, threads that release the GIL to compute: every core works",
          "loop", "CPU-bound on the event loop: one thread, callbacks one after the other",
          "processes", "CPU-bound, a process pool: each worker process computes on its own core");

  /** Label of the diagrams' working spans. */
  private static final String WORK = "sum of squares";

  /** The article's figures, in seconds, by mode. */
  static final Map<String, Double> ARTICLE_SECONDS =
      Map.of("sequential", 7.83, "threads", 10.41, "processes", 2.52);

  @Option(
      names = "--mode",
      defaultValue = "all",
      description =
          "sequential: one thread, one number after the other, holding a GIL and passing the"
              + " same checkpoints as the threads; threads: a pool of --threads GIL"
              + " threads that hold the GIL while they compute; released: the same threads"
              + " computing inside a blocking section, with the GIL released (as NumPy's C code"
              + " does); loop: each number a callback of one event loop (asyncio); processes: a"
              + " pool of --processes worker JVMs; all: each in turn (default: ${DEFAULT-VALUE}).")
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

  /** The sum the first mode computed; every mode must compute the same. */
  private Long resultCheck;

  /** The processes mode's pool, started before the timing; null outside a run. */
  private ProcessPool pool;

  @Option(names = "--quick", description = "A tenth of the work, for CI and the quick tour.")
  boolean quick;

  @Override
  List<String> allModes() {
    return ALL_MODES;
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
    resultCheck = null;
    Timing.Measured measured;
    Double startupSeconds = null;
    try {
      if (modes.contains("processes")) {
        long t0 = System.nanoTime();
        pool = startedPool();
        startupSeconds = (System.nanoTime() - t0) / 1e9;
      }
      measured =
          Timing.measure(
              modes,
              repeat,
              m -> {
                long total = compute(m, numbers);
                if (resultCheck != null && resultCheck != total) {
                  throw new IllegalStateException(
                      "mode " + m + " computed " + total + ", another mode " + resultCheck);
                }
                resultCheck = total;
                return total;
              });
    } finally {
      if (pool != null) {
        pool.close();
        pool = null;
      }
    }
    Map<String, Double> seconds = measured.seconds();
    Long result = resultCheck;
    printComparison(
        out, modes, seconds, "cores used", measured.coresUsed(), "article s", ARTICLE_SECONDS);
    if (startupSeconds != null) {
      out.printf(
          "(The %d worker JVMs were started and computed once before the timing, in %.2f s: a"
              + " forked CPython worker starts in milliseconds, a JVM does not.)%n",
          workers(), startupSeconds);
    }
    explainMisses(out, seconds, measured.coresUsed());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("numbers", numbers.length);
    figures.put("base", numbers[0]);
    figures.put("cores", cores);
    putSeconds(figures, seconds);
    figures.put(
        "processes_startup_s", startupSeconds == null ? null : Timing.round(startupSeconds));
    for (String m : modes) {
      Double c = measured.coresUsed().get(m);
      figures.put(m + "_cores_used", c == null ? null : Math.round(c * 100) / 100.0);
    }
    figures.put("result", result);
    return figures;
  }

  /**
   * Says why, when a figure of this run does not show the claim it is there for: the machine's
   * other work, not the model, decided it.
   */
  void explainMisses(Output out, Map<String, Double> seconds, Map<String, Double> coresUsed) {
    Double sequential = seconds.get("sequential");
    if (sequential == null) {
      return;
    }
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    String busy =
        load < 0
            ? "the machine's other work"
            : String.format(Locale.ROOT, "the machine's other work (load average %.1f)", load);
    Double threaded = seconds.get("threads");
    if (threaded != null && threaded < sequential / 1.1) {
      out.printf(
          "(The GIL threads finished before the single thread: %s gave this JVM more of the"
              + " cores in one run than in the other (cores used: one thread %s, the GIL threads"
              + " %s), and %d threads get a larger share of a busy machine than one. The GIL let"
              + " one of them compute at a time; ./baton gil measures its cost in CPU time, which"
              + " the load does not change, and --repeat 3 gives medians of interleaved runs.)%n",
          busy, cores(coresUsed.get("sequential")), cores(coresUsed.get("threads")), threads);
    }
    Double processes = seconds.get("processes");
    if (processes != null && processes >= sequential) {
      out.printf(
          "(The processes were no faster than one thread: %s left fewer free cores than"
              + " workers. Rerun with --repeat 3, or on a quieter machine.)%n",
          busy);
    }
  }

  private static String cores(Double used) {
    return used == null ? "unknown" : String.format(Locale.ROOT, "%.2f", used);
  }

  /** A pool of {@link #workers()} JVMs, started, each of which has computed once. */
  private ProcessPool startedPool() throws Exception {
    ProcessPool started = PoolWork.pool(workers(), "cpu", false);
    try {
      List<Long> warmUp = new ArrayList<>();
      for (int i = 0; i < 2 * workers(); i++) {
        warmUp.add(Workloads.QUICK_BASE / 20);
      }
      try (Progress none = Progress.start("cpu warm-up", warmUp.size(), false, System.err)) {
        PoolWork.run(started, PoolWork::sumOfSquares, warmUp, none);
      }
      return started;
    } catch (Exception | Error e) {
      started.close();
      throw e;
    }
  }

  private long compute(String mode, long[] numbers) throws Exception {
    return runMode(
        "cpu",
        mode,
        TITLES.get(mode),
        numbers.length,
        progress ->
            switch (mode) {
              case "sequential" -> sequential(numbers, progress);
              case "threads" -> gilThreads(numbers, progress, false);
              case "released" -> gilThreads(numbers, progress, true);
              case "loop" -> loop(numbers, progress);
              case "processes" -> processes(numbers, progress);
              default -> throw new IllegalStateException("no such mode: " + mode);
            });
  }

  /**
   * The article's {@code ThreadPoolExecutor} version, under a GIL. Without {@code release}, each
   * thread holds the GIL while it computes and passes it on at a checkpoint every {@link
   * #CHECKPOINT_INTERVAL} squares when another thread asks (after the 5 ms switch interval): one
   * thread computes at a time. With {@code release}, each number is computed inside a blocking
   * section, which releases the GIL as NumPy's C code does: the threads compute on every core.
   */
  private long gilThreads(long[] numbers, Progress progress, boolean release) throws Exception {
    try (GilRuntime runtime =
        GilRuntime.builder()
            .name(release ? "cpu-released" : "cpu-threads")
            .watchdogThreshold(WATCHDOG)
            .build()) {
      Gil gil = runtime.gil();
      Runnable checkpoint = gil::checkpoint;
      return GilWorkers.run(
          runtime,
          threads,
          numbers.length,
          i -> {
            long n = numbers[i];
            long sum =
                release
                    ? withoutGil(gil, n)
                    : Workloads.sumOfSquares(n, CHECKPOINT_INTERVAL, checkpoint);
            progress.step();
            return sum;
          });
    }
  }

  /**
   * Computes with the GIL released, as C code between {@code Py_BEGIN_ALLOW_THREADS} and {@code
   * Py_END_ALLOW_THREADS} does (NumPy's loops): the GIL is given up, the work runs without
   * checkpoints, and the GIL is taken back after. This is what a blocking section does; it is
   * written out here so that the diagram shows the time as work, not as a wait for I/O.
   */
  private static long withoutGil(Gil gil, long n) {
    gil.release();
    try {
      long t0 = Tracer.now();
      long sum = Workloads.sumOfSquares(n);
      Tracer.span(SpanState.RUNNING, t0, WORK);
      return sum;
    } finally {
      gil.acquire();
    }
  }

  /**
   * asyncio's version: each number is a callback on one event loop. Nothing in a callback waits, so
   * the loop runs them one after the other on its single thread: no speed-up. A callback that
   * computes for seconds is this mode's subject, not a mistake to report: the loop's slow-callback
   * and blocked-loop warnings (blocking, the {@code blocking} example's point) are set past any
   * run's length.
   */
  private static long loop(long[] numbers, Progress progress) {
    long[] total = new long[1];
    try (EventLoop loop =
        EventLoop.builder()
            .name("cpu")
            .slowCallbackThreshold(Duration.ofHours(1))
            .blockedWarningThreshold(Duration.ofHours(1))
            .build()) {
      int[] left = {numbers.length};
      for (long n : numbers) {
        loop.callSoon(
            () -> {
              long t0 = Tracer.now();
              total[0] += Workloads.sumOfSquares(n);
              Tracer.span(SpanState.RUNNING, t0, WORK);
              progress.step();
              if (--left[0] == 0) {
                loop.stop();
              }
            });
      }
      loop.runForever();
    }
    return total[0];
  }

  /**
   * The article's {@code multiprocessing.Pool().map} version: each number goes to a worker JVM,
   * which has its own heap and no GIL to share. The workers are started before the timing (see
   * {@link #startedPool()}): the article's fork costs milliseconds, a JVM's start much more, and
   * would decide a short run.
   */
  private long processes(long[] numbers, Progress progress) throws Exception {
    List<Long> items = Arrays.stream(numbers).boxed().toList();
    return PoolWork.run(pool, PoolWork::sumOfSquares, items, progress);
  }

  /**
   * The article's sequential version: one thread, one number after the other, running the same code
   * as the threads do (a checkpoint every {@link #CHECKPOINT_INTERVAL} squares, holding the GIL of
   * a runtime of its own), as CPython runs the same function under its GIL either way. So the
   * threads' figure against this one measures the GIL's sharing, not the checkpoints.
   */
  private static long sequential(long[] numbers, Progress progress) {
    try (GilRuntime runtime =
            GilRuntime.builder().name("cpu-sequential").watchdogThreshold(WATCHDOG).build();
        GilRuntime.Ensured ensured = runtime.ensure()) {
      Gil gil = runtime.gil();
      Runnable checkpoint = gil::checkpoint;
      long total = 0;
      for (long n : numbers) {
        long t0 = Tracer.now();
        total += Workloads.sumOfSquares(n, CHECKPOINT_INTERVAL, checkpoint);
        Tracer.span(SpanState.RUNNING, t0, WORK);
        progress.step();
      }
      return total;
    }
  }
}
