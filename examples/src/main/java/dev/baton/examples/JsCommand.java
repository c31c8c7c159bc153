package dev.baton.examples;

import dev.baton.gil.GilRuntime;
import dev.baton.rhino.GilContextFactory;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.NativeArray;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The talk's GIL slide on a real interpreter nobody here wrote: Mozilla Rhino, a JavaScript engine
 * whose objects are not safe for concurrent use, run from plain threads and then under a GIL
 * runtime ({@link GilContextFactory}).
 */
@Command(
    name = "js",
    mixinStandardHelpOptions = true,
    description = {
      "The GIL on a real interpreter: JavaScript scripts on Mozilla Rhino. Script threads"
          + " increment one property of a shared object and push to one shared array, with no"
          + " lock: from plain threads (as people try Rhino) updates are lost or Rhino throws; under"
          + " a GIL runtime the counts are exact, unless the GIL can pass between the read and the"
          + " write (x = plusOne(x): the call is a checkpoint). Then CPU-bound script"
          + " threads (no faster than one thread: the GIL) and I/O-bound ones (io.get releases the"
          + " GIL: the waits overlap)."
    })
final class JsCommand extends ExampleCommand {

  /** The shared object and the functions every thread runs, in one scope. */
  static final String SCRIPT =
      """
      var shared = { count: 0, items: [] };
      function work(n) {            // x = x + 1 and a push: no jump between read and write
        for (var i = 0; i < n; i++) {
          shared.count = shared.count + 1;
          shared.items.push(i);
        }
      }
      function plusOne(v) {         // the call is a checkpoint (and the if is a jump)
        if (typeof v !== 'number') throw new TypeError('not a number: ' + v);
        return v + 1;
      }
      function workCall(n) {        // read, call (the GIL may pass), write
        for (var i = 0; i < n; i++) shared.count = plusOne(shared.count);
      }
      function spin(n) {            // CPU-bound
        var s = 0;
        for (var i = 0; i < n; i++) s = (s + i * i) % 1000003;
        return s;
      }
      function fetch(urls) {        // I/O-bound: io.get releases the GIL while it waits
        var bytes = 0;
        for (var i = 0; i < urls.length; i++) bytes += io.get(urls[i]).length;
        return bytes;
      }
      function inThreads(f, args) { // one script thread per argument, joined
        var threads = args.map(function (a) { return threading.start(f, a); });
        threads.forEach(function (t) { t.join(); });
        return threads.map(function (t) { return t.error() || null; }).filter(Boolean);
      }
      """;

  /** The diagrams' titles, by trace name. */
  static final Map<String, String> TITLES =
      Map.of(
          "js-race-gil",
          "JavaScript under the GIL: script threads take turns (blue), waiting for the GIL"
              + " (amber)",
          "js-cpu-threads",
          "CPU-bound script threads under the GIL: one at a time, no faster than one thread",
          "js-io-threads",
          "I/O-bound script threads: io.get waits (red) overlap, the GIL is free during them");

  @Option(
      names = "--threads",
      defaultValue = "4",
      description = "Script threads in each experiment (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--increments",
      description = "Increments (and pushes) per thread in the race (default: 50000; 10000 quick).")
  Integer increments;

  @Option(
      names = "--spin",
      description =
          "Loop iterations of the CPU-bound work, all threads together (default: 4000000; 1000000"
              + " quick).")
  Integer spin;

  @Option(
      names = "--downloads",
      description =
          "Pages the I/O-bound work downloads, all threads together (default: 40; 20" + " quick).")
  Integer downloads;

  @Option(
      names = "--latency-ms",
      defaultValue = "20",
      description = "The local page server's delay before each page (default: ${DEFAULT-VALUE}).")
  int latencyMs;

  @Option(
      names = "--switch-interval-us",
      defaultValue = "50",
      description =
          "The GIL's switch interval in the race, in microseconds (CPython: 5000; short here so"
              + " that the GIL passes often; default: ${DEFAULT-VALUE}).")
  int switchIntervalMicros;

  @Option(names = "--quick", description = "A smaller run, for CI and the quick tour.")
  boolean quick;

  /** The diagrams are per experiment. */
  @Override
  boolean tracesItsParts() {
    return true;
  }

  @Override
  String summary(Map<String, Object> figures) {
    return String.format(
        "count of %s: no GIL %s (%s errors), GIL %s; cpu threads/seq %s, io %s",
        figures.get("expected"),
        figures.get("no_gil_final"),
        figures.get("no_gil_errors"),
        figures.get("gil_final"),
        figures.get("cpu_threads_over_sequential"),
        figures.get("io_threads_over_sequential"));
  }

  /**
   * What one race run found.
   *
   * @param count {@code shared.count} at the end
   * @param items {@code shared.items.length} at the end
   * @param holes entries of {@code shared.items} that are not numbers (lost or torn pushes)
   * @param errors exceptions that ended a thread, by type and message
   * @param forcedSwitches the GIL's forced switches, or -1 without a GIL
   */
  record Race(
      long count, long items, long holes, Map<String, Integer> errors, long forcedSwitches) {
    int errorCount() {
      return errors.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    int n = increments != null ? increments : quick ? 10_000 : 50_000;
    int spinTotal = spin != null ? spin : quick ? 1_000_000 : 4_000_000;
    int pages = downloads != null ? downloads : quick ? 20 : 40;

    require(threads >= 1, "--threads must be at least 1, got " + threads);
    require(n >= 1, "--increments must be at least 1, got " + n);
    require(spinTotal >= threads, "--spin must be at least --threads, got " + spinTotal);
    require(pages >= threads, "--downloads must be at least --threads, got " + pages);
    require(latencyMs >= 0, "--latency-ms must not be negative, got " + latencyMs);
    require(switchIntervalMicros >= 1, "--switch-interval-us must be at least 1");
    long expected = (long) threads * n;
    Duration interval = Duration.ofNanos(switchIntervalMicros * 1000L);

    out.printf("JavaScript on Mozilla Rhino, %d script threads sharing one scope.%n%n", threads);
    out.println("1. The race: each thread runs, with no lock,");
    out.println("     shared.count = shared.count + 1; shared.items.push(i);");
    out.printf("   %,d times: expecting count = items.length = %,d%n%n", n, expected);
    Race noGil = noGil(threads, n);
    Race gil =
        traces.record(
            "js-race-gil", TITLES.get("js-race-gil"), () -> underGil(threads, n, interval, "work"));
    Race call = underGil(threads, n, interval, "workCall");
    Table race =
        new Table(
            "variant",
            "count",
            "lost",
            "items.length",
            "bad items",
            "errors",
            "forced GIL switches");
    race.row(
        "plain threads, no GIL",
        noGil.count(),
        expected - noGil.count(),
        noGil.items(),
        noGil.holes(),
        noGil.errorCount(),
        null);
    race.row(
        "GIL, x = x + 1",
        gil.count(),
        expected - gil.count(),
        gil.items(),
        gil.holes(),
        gil.errorCount(),
        gil.forcedSwitches());
    race.row(
        "GIL, x = plusOne(x)",
        call.count(),
        expected - call.count(),
        null,
        null,
        call.errorCount(),
        call.forcedSwitches());
    out.printf("%s%n", race.render());
    if (!noGil.errors().isEmpty()) {
      out.println("   Without the GIL, Rhino threw:");
      noGil.errors().forEach((e, count) -> out.printf("     %d x %s%n", count, e));
    }
    out.println(
        "   Rhino's objects are not thread-safe: from plain threads, a read-add-write or a");
    out.println("   push interleaves with another thread's. Under the GIL one thread runs script");
    out.println("   code at a time, and the GIL passes only at the interpreter's jumps and calls,");
    out.println("   so a statement without either is atomic. plusOne(x) is a call: the GIL can");
    out.println("   pass between the read of x and the write, and updates are lost again: a");
    out.println("   thread that resumes inside plusOne writes back its own stale count, so when");
    out.println("   every switch falls there, each thread in effect counts only its own work.");
    if (call.count() == expected) {
      out.println("   (No switch fell inside plusOne this time: scheduling is non-deterministic.)");
    }

    out.println("");
    out.printf(
        "2. CPU-bound: spin(%,d) in one thread, then spin(%,d) in each of %d threads%n",
        spinTotal, spinTotal / threads, threads);
    // the interpreter's code compiled by the JIT before timing, or the first form pays for it alone
    cpu(1, spinTotal / 4);
    cpu(threads, spinTotal / 4);
    double[] cpu = timeBoth("cpu", () -> cpu(1, spinTotal), () -> cpu(threads, spinTotal));
    out.printf(
        "   one thread %.3f s, %d threads %.3f s: x%.2f of one thread's time%n",
        cpu[0], threads, cpu[1], cpu[1] / cpu[0]);

    out.println("");
    double[] io;
    try (PageServer server = PageServer.start(Duration.ofMillis(latencyMs), 2048)) {
      List<URI> sites = server.sites(pages);
      out.printf(
          "3. I/O-bound: io.get of %d pages (server latency %d ms), in one thread, then in %d threads%n",
          pages, latencyMs, threads);
      io(server.sites(threads), 1); // connections opened and code compiled, not timed
      io(server.sites(threads), threads);
      io = timeBoth("io", () -> io(sites, 1), () -> io(sites, threads));
    }
    out.printf(
        "   one thread %.3f s, %d threads %.3f s: x%.2f of one thread's time%n",
        io[0], threads, io[1], io[1] / io[0]);
    out.println("");
    out.println("   One thread at a time runs JavaScript: CPU-bound threads take as long as one");
    out.println("   thread doing all the work. io.get gives the GIL up while it waits, so waits");
    out.println("   overlap, as the talk says of Python's threads.");

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("threads", threads);
    figures.put("increments", n);
    figures.put("expected", expected);
    figures.put("no_gil_final", noGil.count());
    figures.put("no_gil_lost", expected - noGil.count());
    figures.put("no_gil_items", noGil.items());
    figures.put("no_gil_bad_items", noGil.holes());
    figures.put("no_gil_errors", noGil.errorCount());
    figures.put("no_gil_error_kinds", new ArrayList<>(noGil.errors().keySet()));
    figures.put("gil_final", gil.count());
    figures.put("gil_items", gil.items());
    figures.put("gil_forced_switches", gil.forcedSwitches());
    figures.put("gil_call_final", call.count());
    figures.put("gil_call_lost", expected - call.count());
    figures.put("gil_call_forced_switches", call.forcedSwitches());
    figures.put("switch_interval_us", switchIntervalMicros);
    figures.put("spin", spinTotal);
    figures.put("cpu_sequential_s", Timing.round(cpu[0]));
    figures.put("cpu_threads_s", Timing.round(cpu[1]));
    figures.put("cpu_threads_over_sequential", Timing.round(cpu[1] / cpu[0]));
    figures.put("downloads", pages);
    figures.put("latency_ms", latencyMs);
    figures.put("io_sequential_s", Timing.round(io[0]));
    figures.put("io_threads_s", Timing.round(io[1]));
    figures.put("io_threads_over_sequential", Timing.round(io[1] / io[0]));
    return figures;
  }

  /** One timed run: returns its seconds. */
  @FunctionalInterface
  interface Timed {
    double seconds() throws Exception;
  }

  /**
   * Times {@code one} then {@code many}, each as the median of three rounds (two with --quick),
   * interleaved; the threaded form of the last round is traced.
   */
  private double[] timeBoth(String name, Timed one, Timed many) throws Exception {
    int rounds = quick ? 2 : 3;
    double[] sequential = new double[rounds];
    double[] threaded = new double[rounds];
    for (int round = 0; round < rounds; round++) {
      sequential[round] = one.seconds();
      if (round == rounds - 1) {
        String trace = "js-" + name + "-threads";
        threaded[round] = traces.record(trace, TITLES.get(trace), many::seconds);
      } else {
        threaded[round] = many.seconds();
      }
    }
    return new double[] {Timing.median(sequential), Timing.median(threaded)};
  }

  /** {@code threads} plain JVM threads calling {@code work(n)} in one shared scope, no GIL. */
  static Race noGil(int threads, int n) throws InterruptedException {
    ContextFactory plain = new InterpretedFactory();
    ScriptableObject scope =
        plain.call(
            cx -> {
              ScriptableObject s = cx.initStandardObjects();
              cx.evaluateString(s, SCRIPT, "race.js", 1, null);
              return s;
            });
    Function work = (Function) ScriptableObject.getProperty(scope, "work");
    Map<String, Integer> errors = new TreeMap<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int t = 1; t <= threads; t++) {
      started.add(
          Thread.ofPlatform()
              .name("plain-" + t)
              .daemon(true)
              .start(
                  () -> {
                    try {
                      go.await();
                      plain.call(cx -> work.call(cx, scope, scope, new Object[] {n}));
                    } catch (Throwable e) { // anything Rhino throws is a finding
                      String kind = e.getClass().getName() + ": " + e.getMessage();
                      synchronized (errors) {
                        errors.merge(kind, 1, Integer::sum);
                      }
                    }
                  }));
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join(Duration.ofSeconds(120));
      if (thread.isAlive()) {
        synchronized (errors) {
          errors.merge("did not finish within 120 s (a corrupted structure?)", 1, Integer::sum);
        }
      }
    }
    Scriptable shared = (Scriptable) ScriptableObject.getProperty(scope, "shared");
    long count = (long) Context.toNumber(ScriptableObject.getProperty(shared, "count"));
    NativeArray items = (NativeArray) ScriptableObject.getProperty(shared, "items");
    long holes = 0;
    for (long i = 0; i < items.getLength(); i++) {
      if (!(items.get((int) i, items) instanceof Number)) {
        holes++;
      }
    }
    synchronized (errors) {
      return new Race(count, items.getLength(), holes, Map.copyOf(errors), -1);
    }
  }

  /** {@code threads} script threads of one GIL runtime calling {@code function(n)}. */
  static Race underGil(int threads, int n, Duration interval, String function) {
    try (GilRuntime runtime =
        GilRuntime.builder()
            .name("js-race")
            .switchInterval(interval)
            .watchdogThreshold(CpuCommand.WATCHDOG)
            .build()) {
      GilContextFactory rhino = GilContextFactory.of(runtime);
      ScriptableObject scope =
          rhino.call(
              cx -> {
                ScriptableObject s = rhino.initStandardObjects(cx);
                cx.evaluateString(s, SCRIPT, "race.js", 1, null);
                String call = "inThreads(" + function + ", " + Json.write(repeat(n, threads)) + ")";
                ScriptableObject.putProperty(
                    s, "failed", cx.evaluateString(s, call, "race.js", 1, null));
                return s;
              });
      runtime.close();
      Scriptable shared = (Scriptable) ScriptableObject.getProperty(scope, "shared");
      long count = (long) Context.toNumber(ScriptableObject.getProperty(shared, "count"));
      NativeArray items = (NativeArray) ScriptableObject.getProperty(shared, "items");
      NativeArray failed = (NativeArray) ScriptableObject.getProperty(scope, "failed");
      Map<String, Integer> errors = new TreeMap<>();
      for (Object e : failed.toArray()) {
        errors.merge(Context.toString(e), 1, Integer::sum);
      }
      long holes = 0;
      for (long i = 0; i < items.getLength(); i++) {
        if (!(items.get((int) i, items) instanceof Number)) {
          holes++;
        }
      }
      return new Race(count, items.getLength(), holes, errors, runtime.stats().forcedSwitches());
    }
  }

  /**
   * Runs {@code spin} over {@code total} iterations split across {@code threads} script threads.
   */
  static double cpu(int threads, int total) {
    return runScript(
        threads == 1 ? "spin(" + total + ")" : "inThreads(spin, " + split(total, threads) + ")");
  }

  /** Downloads {@code sites} with {@code threads} script threads, each a share of the list. */
  static double io(List<URI> sites, int threads) {
    List<List<String>> shares = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < sites.size(); i++) {
      shares.get(i % threads).add(sites.get(i).toString());
    }
    StringBuilder args = new StringBuilder("[");
    for (List<String> share : shares) {
      args.append(args.length() > 1 ? "," : "").append(Json.write(share));
    }
    args.append(']');
    return runScript(
        threads == 1
            ? "fetch(" + Json.write(shares.getFirst()) + ")"
            : "inThreads(fetch, " + args + ")");
  }

  /**
   * Runs {@code expression} in a new GIL runtime on the calling thread, after {@link #SCRIPT}.
   *
   * @return the seconds the expression took (the runtime, the scope and the script's functions are
   *     made before the clock starts)
   * @throws IllegalStateException if a script thread failed
   */
  private static double runScript(String expression) {
    try (GilRuntime runtime =
        GilRuntime.builder().name("js").watchdogThreshold(CpuCommand.WATCHDOG).build()) {
      GilContextFactory rhino = GilContextFactory.of(runtime);
      long[] nanos = new long[1];
      Object result =
          rhino.call(
              cx -> {
                ScriptableObject scope = rhino.initStandardObjects(cx);
                cx.evaluateString(scope, SCRIPT, "work.js", 1, null);
                Script main = cx.compileString(expression, "main.js", 1, null);
                long start = System.nanoTime();
                Object value = main.exec(cx, scope, scope);
                nanos[0] = System.nanoTime() - start;
                return value;
              });
      if (result instanceof NativeArray failed && !failed.isEmpty()) {
        throw new IllegalStateException("script threads failed: " + failed);
      }
      return nanos[0] / 1e9;
    }
  }

  private static String split(int total, int threads) {
    StringBuilder args = new StringBuilder("[");
    for (int t = 0; t < threads; t++) {
      int share = total / threads + (t < total % threads ? 1 : 0);
      args.append(t > 0 ? "," : "").append(share);
    }
    return args.append(']').toString();
  }

  private static List<Integer> repeat(int n, int times) {
    return java.util.Collections.nCopies(times, n);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Rhino as people use it from plain threads: the interpreter, no GIL, no observer. */
  private static final class InterpretedFactory extends ContextFactory {
    @Override
    protected Context makeContext() {
      Context cx = super.makeContext();
      cx.setLanguageVersion(Context.VERSION_ES6);
      cx.setInterpretedMode(true);
      return cx;
    }
  }
}
