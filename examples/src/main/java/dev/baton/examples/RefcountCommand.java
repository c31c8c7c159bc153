package dev.baton.examples;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Guard;
import dev.baton.core.object.LeakDetection;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RcBox;
import dev.baton.core.object.RcList;
import dev.baton.core.object.RefCountStrategy;
import dev.baton.gil.GilRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The talk's reference-counting slide: {@code sys.getrefcount} on a new list and on a second
 * reference, then the race that makes the GIL necessary: two threads incref and decref one object,
 * with plain counts and no GIL (updates are lost), under the GIL (exact), and free-threaded with
 * atomic and biased counts (exact).
 */
@Command(
    name = "refcount",
    mixinStandardHelpOptions = true,
    description = {
      "Reference counting: why CPython has a GIL. First the talk's sys.getrefcount demo, then two",
      "threads incref and decref one object N times each: with plain counts and no GIL the final",
      "count is wrong (a leak or a premature free); under the GIL, or with atomic or biased",
      "(PEP 703) counts and no GIL, it is exact."
    })
final class RefcountCommand extends ExampleCommand {

  static final int DEFAULT_ITERATIONS = 1_000_000;
  static final int QUICK_ITERATIONS = 100_000;

  /**
   * The unguarded race is run again until it goes wrong, for up to this long: on a busy machine the
   * two threads may not run at the same moment in every run.
   */
  static final long RACE_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(3);

  /** The only reference the main thread keeps while the workers race. */
  static final long EXPECTED_FINAL = 1;

  @Option(
      names = {"-n", "--iterations"},
      description =
          "incref/decref pairs per thread (default: "
              + DEFAULT_ITERATIONS
              + ", or "
              + QUICK_ITERATIONS
              + " with --quick).")
  Integer iterations;

  @Option(names = "--quick", description = "A tenth of the iterations, for CI and the quick tour.")
  boolean quick;

  @Override
  String summary(Map<String, Object> figures) {
    return "no GIL: "
        + figures.get("no_gil_final")
        + " ("
        + figures.get("no_gil_outcome")
        + "), GIL: "
        + figures.get("gil_final")
        + ", atomic: "
        + figures.get("atomic_final")
        + ", biased: "
        + figures.get("biased_final")
        + ", expected "
        + figures.get("expected_final");
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    int n = iterations != null ? iterations : quick ? QUICK_ITERATIONS : DEFAULT_ITERATIONS;
    if (n <= 0) {
      throw new IllegalArgumentException("--iterations must be positive, got " + n);
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    try (GilRuntime runtime = GilRuntime.builder().name("refcount").build()) {
      figures.put("demo_counts", demo(runtime, out));
      figures.put("cpython_counts", List.of(2, 3));
      figures.put("iterations", n);
      figures.put("expected_final", EXPECTED_FINAL);

      out.println("");
      out.printf(
          "Two threads each incref and decref one object %,d times; the main thread keeps its"
              + " one reference, so the count must end at %d.%n%n",
          n, EXPECTED_FINAL);
      Race noGil = null;
      int attempts = 0;
      long raceStart = System.nanoTime();
      while (noGil == null
          || (noGil.outcome().equals("exact")
              && System.nanoTime() - raceStart < RACE_BUDGET_NANOS)) {
        attempts++;
        ObjectSpace racy =
            ObjectSpace.builder()
                .name("no-gil")
                .strategy(RefCountStrategy.PLAIN)
                .allowRacyPlainCounts()
                .leakDetection(LeakDetection.DISABLED)
                .build();
        noGil = raceFreeThreaded(racy, n);
      }
      report(out, "plain counts, no GIL", noGil);
      if (attempts > 1 && !noGil.outcome().equals("exact")) {
        out.printf(
            "     (went wrong in run %d; the runs before it happened to come out exact)%n",
            attempts);
      }
      if (noGil.outcome().equals("exact")) {
        out.printf(
            "   (the race did not show in %d runs on this machine, which may be busy: it is up to"
                + " the scheduler; try more --iterations)%n",
            attempts);
      }
      figures.put("no_gil_final", noGil.finalCount());
      figures.put("no_gil_outcome", noGil.outcome());
      figures.put("no_gil_attempts", attempts);

      Race gil = raceUnderGil(runtime, n);
      report(out, "plain counts, GIL", gil);
      figures.put("gil_final", gil.finalCount());

      Race atomic = raceFreeThreaded(freeThreaded(RefCountStrategy.ATOMIC), n);
      report(out, "atomic counts, no GIL", atomic);
      figures.put("atomic_final", atomic.finalCount());

      Race biased = raceFreeThreaded(freeThreaded(RefCountStrategy.BIASED), n);
      report(out, "biased counts (PEP 703), no GIL", biased);
      figures.put("biased_final", biased.finalCount());

      figures.put("no_gil_ms", noGil.millis());
      figures.put("gil_ms", gil.millis());
      figures.put("atomic_ms", atomic.millis());
      figures.put("biased_ms", biased.millis());
      out.println("");
      out.println(
          "Times are one run each, for a feel only; bench/ measures the trade-off properly.");
    }
    return figures;
  }

  /** The talk's slide, on Baton; returns the counts it printed. */
  private static List<Long> demo(GilRuntime runtime, Output out) {
    List<Long> counts = new ArrayList<>();
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      ObjectSpace space =
          ObjectSpace.builder().guard(runtime.gil()).name("demo").build(); // PLAIN under the GIL
      out.println("The talk's demo (CPython prints what sys.getrefcount returns):");
      RcList a = space.newList();
      counts.add(a.refCount());
      out.printf("  > a = []            a.refCount() = %d    CPython: 2%n", a.refCount());
      a.incref(); // b = a
      counts.add(a.refCount());
      out.printf("  > b = a             a.refCount() = %d    CPython: 3%n", a.refCount());
      out.println(
          "  CPython prints one more: passing a to sys.getrefcount makes a temporary reference,"
              + " held during the call. refCount() is the object's own method and adds none.");
      a.decref(); // del b
      a.decref(); // del a
      out.printf(
          "  > del b; del a      the list is freed: alive=%s, live objects=%d%n",
          a.isAlive(), space.liveObjects());
    }
    return counts;
  }

  private static ObjectSpace freeThreaded(RefCountStrategy strategy) {
    return ObjectSpace.builder()
        .name(strategy.name().toLowerCase(java.util.Locale.ROOT))
        .guard(Guard.none())
        .strategy(strategy)
        .build();
  }

  /** Two plain threads, no guard. */
  private static Race raceFreeThreaded(ObjectSpace space, int n) throws InterruptedException {
    AtomicInteger freed = new AtomicInteger();
    RcBox<String> shared = space.newBox("shared", value -> freed.incrementAndGet());
    Racers racers = new Racers(shared, n);
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread thread = new Thread(racers::work, "racer-" + t);
      thread.start();
      threads.add(thread);
    }
    racers.go = true;
    for (Thread thread : threads) {
      join(thread);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    return racers.result(shared.refCount(), freed.get() > 0, millis);
  }

  /** Two threads of the GIL runtime, plain counts guarded by its GIL. */
  private static Race raceUnderGil(GilRuntime runtime, int n) throws InterruptedException {
    AtomicInteger freed = new AtomicInteger();
    ObjectSpace space;
    RcBox<String> shared;
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      space = ObjectSpace.builder().guard(runtime.gil()).name("gil").build();
      shared = space.newBox("shared", value -> freed.incrementAndGet());
    }
    Racers racers = new Racers(shared, n);
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      threads.add(runtime.startThread("gil-racer-" + t, racers::work));
    }
    racers.go = true;
    for (Thread thread : threads) {
      join(thread);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      Race race = racers.result(shared.refCount(), freed.get() > 0, millis);
      if (shared.isAlive()) {
        shared.decref();
      }
      return race;
    }
  }

  private static void join(Thread thread) throws InterruptedException {
    thread.join(TimeUnit.MINUTES.toMillis(5));
    if (thread.isAlive()) {
      throw new IllegalStateException("thread " + thread.getName() + " did not finish in 5 min");
    }
  }

  private static void report(Output out, String label, Race race) {
    out.printf(
        "  %-34s final count %,12d   %-14s %6d ms%s%n",
        label,
        race.finalCount(),
        race.outcome(),
        race.millis(),
        race.misuse() == null ? "" : System.lineSeparator() + "     " + race.misuse());
    switch (race.outcome()) {
      case "leak" ->
          out.println(
              "     too high: updates were lost, and after the main thread's decref the object is"
                  + " never freed (a memory leak)");
      case "premature_free" ->
          out.println(
              "     the count reached zero while the main thread still held its reference: the"
                  + " object was freed under it (incorrectly released memory)");
      default -> {}
    }
  }

  /**
   * One race's result.
   *
   * @param finalCount the count read after both threads ended
   * @param outcome exact, leak (too high: never freed) or premature_free (freed while referenced)
   * @param misuse the first misuse a racer ran into after a premature free, or null
   * @param millis wall time of the race
   */
  record Race(long finalCount, String outcome, String misuse, long millis) {}

  /** The two threads' loop and what they ran into. */
  private static final class Racers {
    /** Both racers spin until this is set, so that they start at the same moment. */
    volatile boolean go;

    final RcBox<String> shared;
    final int n;

    /** Set by a racer that hit a misuse, so that the other stops too; read every iteration. */
    volatile boolean stop;

    final AtomicReference<String> misuse = new AtomicReference<>();

    Racers(RcBox<String> shared, int n) {
      this.shared = shared;
      this.n = n;
    }

    void work() {
      while (!go) {
        Thread.onSpinWait();
      }
      try {
        for (int i = 0; i < n; i++) {
          shared.incref(); // b = a
          if (stop) { // the next "bytecode": without it the JIT fuses the pair into one update
            break;
          }
          shared.decref(); // del b
        }
      } catch (BatonMisuseException e) {
        stop = true;
        misuse.compareAndSet(
            null,
            "thread \""
                + Thread.currentThread().getName()
                + "\" then hit "
                + e.getClass().getSimpleName());
      }
    }

    Race result(long finalCount, boolean freed, long millis) {
      String outcome;
      if (freed) {
        outcome = "premature_free";
      } else if (finalCount > EXPECTED_FINAL) {
        outcome = "leak";
      } else if (finalCount < EXPECTED_FINAL) {
        outcome = "premature_free"; // too low: the main thread's decref would free too early
      } else {
        outcome = "exact";
      }
      return new Race(finalCount, outcome, misuse.get(), millis);
    }
  }
}
