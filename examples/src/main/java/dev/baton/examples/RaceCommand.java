package dev.baton.examples;

import dev.baton.core.Blocking;
import dev.baton.gil.Gil;
import dev.baton.gil.GilLock;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilStats;
import dev.baton.gil.ScheduleLog;
import dev.baton.gil.sched.Explorer;
import dev.baton.gil.sched.TracedCell;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The talk's race condition: two threads add 1 to a shared integer, each by reading it, adding one
 * and writing it back. Without a lock updates are lost; a lock loses none; the GIL loses none as
 * long as it never switches threads inside the read-add-write, and loses them again when it can.
 */
@Command(
    name = "race",
    mixinStandardHelpOptions = true,
    description = {
      "The talk's race condition: two threads each add 1 to a shared integer N times (read the"
          + " value, increase it, write it back). Run four ways: plain threads with no lock (the OS"
          + " may preempt a thread anywhere, so updates are lost); under a GIL with a GilLock"
          + " around the increment (none lost); under a GIL that can switch threads only between"
          + " two increments (none lost: the GIL alone protects the counter); and under a GIL that"
          + " can switch between the read and the write (lost again: in CPython, x += 1 is several"
          + " bytecodes, and the GIL is only held for one at a time).",
      "With --explore, the last variant runs under seeded deterministic schedules until an update"
          + " is lost; the failing schedule is shrunk to the fewest hand-offs, printed as the"
          + " talk's table and written as a log that --replay LOG runs again, exactly."
    })
final class RaceCommand extends ExampleCommand {

  /** The talk's first figure: the interleaving that loses an update. */
  static final String BAD_INTERLEAVING =
      """
      Thread 1         Thread 2              Integer value
                                               0
      read value                        <-     0
                       read value       <-     0
      increase value                           0
                       increase value          0
      write back                        ->     1
                       write back       ->     1
      """;

  /** The talk's second figure: the interleaving that does not. */
  static final String GOOD_INTERLEAVING =
      """
      Thread 1         Thread 2              Integer value
                                               0
      read value                        <-     0
      increase value                           0
      write back                        ->     1
                       read value       <-     1
                       increase value          1
                       write back       ->     2
      """;

  /** Runs of the unlocked variant until one loses an update. */
  static final int NO_LOCK_TRIES = 5;

  /** The shared integer. */
  static final class Counter {
    /** Volatile so that every increment is a real read and a real write, as in the interpreter. */
    volatile long value;
  }

  /**
   * What one variant measured.
   *
   * @param finalValue the counter at the end
   * @param lost updates lost: {@code 2 * increments - finalValue}
   * @param forcedSwitches GIL hand-overs forced by a waiting thread, or -1 without a GIL
   */
  record Outcome(long finalValue, long lost, long forcedSwitches) {}

  @Option(
      names = "--increments",
      description = "Increments per thread (default: 2000000, or 1000000 with --quick).")
  Integer increments;

  @Option(
      names = "--switch-interval-us",
      defaultValue = "50",
      description =
          "The GIL's switch interval in microseconds: how long a waiting thread waits before it"
              + " asks the holder to drop the GIL (CPython: 5000; short here so that switches"
              + " happen often; default: ${DEFAULT-VALUE}).")
  int switchIntervalMicros;

  @Option(names = "--quick", description = "1000000 increments per thread.")
  boolean quick;

  @Option(
      names = "--explore",
      description =
          "Search seeded GIL schedules for a lost update of v = x; checkpoint(); x = v + 1 (1"
              + " increment per thread unless --increments), shrink it, print it as the talk's"
              + " table, write its log (--log), replay it, and explore the guarded variants for"
              + " the same budget.")
  boolean explore;

  @Option(
      names = "--replay",
      paramLabel = "LOG",
      description =
          "Replay a schedule log written by --explore (with the same --increments) and print its"
              + " table and final value.")
  Path replay;

  @Option(
      names = "--log",
      paramLabel = "FILE",
      description =
          "Where --explore writes the minimal schedule, for --replay (default: not written).")
  Path logFile;

  @Option(
      names = "--runs",
      defaultValue = "1000",
      description = "Schedules --explore tries at most, per variant (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "The first seed --explore tries (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--pct",
      paramLabel = "DEPTH",
      description =
          "Explore with PCT schedules of this depth instead of uniform random ones (1 to 64).")
  Integer pctDepth;

  @Override
  String summary(Map<String, Object> figures) {
    return String.format(
        "lost: no lock %s, GilLock %s, GIL %s, GIL+checkpoint %s",
        figures.get("no_lock_lost"),
        figures.get("lock_lost"),
        figures.get("gil_lost"),
        figures.get("gil_checkpoint_lost"));
  }

  @Override
  boolean tracesItsParts() {
    return explore || replay != null;
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    if (explore || replay != null) {
      int n = increments != null ? increments : 1;
      if (n < 1) {
        throw new IllegalArgumentException("--increments must be at least 1, got " + n);
      }
      return explore ? explore(out, n) : replay(out, n, replay);
    }
    int n = increments != null ? increments : quick ? 1_000_000 : 2_000_000;
    if (n < 1) {
      throw new IllegalArgumentException("--increments must be at least 1, got " + n);
    }
    if (switchIntervalMicros < 1) {
      throw new IllegalArgumentException(
          "--switch-interval-us must be at least 1, got " + switchIntervalMicros);
    }
    Duration interval = Duration.ofNanos(switchIntervalMicros * 1000L);
    out.println("The talk's race condition, x += 1 in two threads:");
    out.println("");
    out.println("A lost update (the talk's first table):");
    out.printf("%s%n", BAD_INTERLEAVING.indent(2));
    out.println("No lost update (the talk's second table):");
    out.printf("%s%n", GOOD_INTERLEAVING.indent(2));
    out.printf("Measured: 2 threads x %,d increments, expecting %,d%n%n", n, 2L * n);

    Outcome noLock = noLock(n);
    int noLockTries = 1;
    for (; noLockTries < NO_LOCK_TRIES && noLock.lost() == 0; noLockTries++) {
      noLock = noLock(n); // a busy machine may have run the two threads one after the other
    }
    Outcome lock = underGil(n, interval, Variant.GIL_LOCK);
    Outcome gil = underGil(n, interval, Variant.GIL);
    Outcome gilCheckpoint = underGil(n, interval, Variant.GIL_CHECKPOINT);

    Table table = new Table("variant", "final value", "lost updates", "forced GIL switches");
    table.row("no lock (plain threads)", noLock.finalValue(), noLock.lost(), null);
    table.row("GilLock around x += 1", lock.finalValue(), lock.lost(), lock.forcedSwitches());
    table.row(
        "GIL, switch only between increments", gil.finalValue(), gil.lost(), gil.forcedSwitches());
    table.row(
        "GIL, switch between read and write",
        gilCheckpoint.finalValue(),
        gilCheckpoint.lost(),
        gilCheckpoint.forcedSwitches());
    out.printf("%s", table.render());
    out.println("");
    out.println(
        "Without a lock the OS may preempt a thread between its read and its write. The GIL");
    out.println("lets one thread run at a time, but it can change hands at any checkpoint (in");
    out.println("CPython: between two bytecodes); x += 1 is safe only when no checkpoint falls");
    out.println("inside it. A lock makes it safe whatever the GIL does.");
    if (noLock.lost() == 0) {
      out.printf(
          "(The machine ran the two plain threads one after the other in %d tries, so none lost"
              + " an update; the race is there all the same: ./baton race --explore shows it under"
              + " a deterministic schedule.)%n",
          noLockTries);
    }
    if (gilCheckpoint.lost() == 0) {
      out.println(
          "(No switch fell inside x += 1 this time: scheduling is non-deterministic; run"
              + " again or raise --increments.)");
    }

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("increments", n);
    figures.put("threads", 2);
    figures.put("expected", 2L * n);
    figures.put("no_lock_lost", noLock.lost());
    figures.put("lock_lost", lock.lost());
    figures.put("gil_lost", gil.lost());
    figures.put("gil_checkpoint_lost", gilCheckpoint.lost());
    figures.put("switch_interval_us", switchIntervalMicros);
    figures.put("lock_forced_switches", lock.forcedSwitches());
    figures.put("gil_forced_switches", gil.forcedSwitches());
    figures.put("gil_checkpoint_forced_switches", gilCheckpoint.forcedSwitches());
    return figures;
  }

  /** The race's scenario under a schedule: two threads, a traced cell; the last run's cell kept. */
  static final class Scheduled implements Explorer.Scenario {
    final Variant variant;
    final int n;
    TracedCell cell;

    Scheduled(Variant variant, int n) {
      this.variant = variant;
      this.n = n;
    }

    @Override
    public Explorer.Check start(GilRuntime runtime) {
      TracedCell x = new TracedCell("Integer value", 0);
      GilLock lock = new GilLock();
      cell = x;
      Gil gil = runtime.gil();
      Runnable body =
          () -> {
            for (int i = 0; i < n; i++) {
              switch (variant) {
                case GIL_LOCK -> {
                  lockOrFail(lock);
                  try {
                    long v = x.read();
                    gil.checkpoint();
                    x.write(x.increase(v));
                  } finally {
                    lock.unlock();
                  }
                }
                case GIL -> {
                  long v = x.read();
                  x.write(x.increase(v));
                  gil.checkpoint();
                }
                case GIL_CHECKPOINT -> {
                  long v = x.read();
                  gil.checkpoint();
                  x.write(x.increase(v));
                }
              }
            }
          };
      runtime.startThread("thread-1", body);
      runtime.startThread("thread-2", body);
      return () -> {
        if (x.value() != 2L * n) {
          throw new AssertionError(
              "lost " + (2L * n - x.value()) + " of " + 2L * n + " updates: x = " + x.value());
        }
      };
    }

    long lost() {
      return 2L * n - cell.value();
    }
  }

  private Explorer explorer() {
    if (runs < 1) {
      throw new IllegalArgumentException("--runs must be at least 1, got " + runs);
    }
    Explorer explorer = pctDepth == null ? Explorer.random() : Explorer.pct(pctDepth, 12);
    return explorer.runs(runs).firstSeed(seed);
  }

  private Map<String, Object> explore(Output out, int n) throws Exception {
    Explorer explorer = explorer();
    out.printf(
        "Exploring v = x; checkpoint(); x = v + 1 in 2 threads (%d increment%s each) under up to"
            + " %d %s schedules:%n",
        n, n == 1 ? "" : "s", runs, pctDepth == null ? "random" : "PCT depth " + pctDepth);
    Scheduled race = new Scheduled(Variant.GIL_CHECKPOINT, n);
    Optional<Explorer.Failure> found = explorer.explore(race);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("increments", n);
    figures.put("runs_budget", runs);
    if (found.isEmpty()) {
      out.println("  no lost update found within the budget; raise --runs.");
      figures.put("seed", null);
      figures.put("runs_to_failure", null);
    } else {
      Explorer.Failure failure = found.get();
      ScheduleLog minimal = failure.minimal();
      out.printf(
          "  lost an update at seed %d, run %d; %d hand-offs, shrunk to %d:%n%n",
          failure.seed(),
          failure.runsToFailure(),
          failure.found().handOffs().size(),
          minimal.handOffs().size());
      Explorer.Run replayed =
          traces.record(
              "race-explore",
              "./baton race --explore: the minimal schedule, replayed",
              () -> Explorer.replay(race, minimal));
      out.printf("%s%n", race.cell.table(minimal.threads()).indent(2));
      out.printf("%s%n", minimal.render().indent(2));
      boolean identical = replayed.log().sameSchedule(minimal);
      if (logFile != null) {
        minimal.write(logFile);
        out.printf(
            "final value %d, lost %d; schedule log: %s (./baton race --replay %s)%n",
            race.cell.value(), race.lost(), logFile, logFile);
      } else {
        out.printf(
            "final value %d, lost %d; schedule log not written (--log FILE writes it for"
                + " --replay)%n",
            race.cell.value(), race.lost());
      }
      out.printf("replayed: same hand-offs %s%n%n", identical ? "yes" : "NO");
      figures.put("seed", failure.seed());
      figures.put("runs_to_failure", failure.runsToFailure());
      figures.put("hand_offs_found", failure.found().handOffs().size());
      figures.put("hand_offs_minimal", minimal.handOffs().size());
      figures.put("final_value", race.cell.value());
      figures.put("lost", race.lost());
      figures.put("replay_identical", identical);
      figures.put("log", logFile == null ? null : logFile.toString());
    }
    boolean lockFailed = explorer.explore(new Scheduled(Variant.GIL_LOCK, n)).isPresent();
    boolean gilFailed = explorer.explore(new Scheduled(Variant.GIL, n)).isPresent();
    out.printf(
        "guarded, same budget: GilLock around x += 1: %s; no checkpoint inside x += 1: %s%n",
        lockFailed ? "LOST AN UPDATE" : "no lost update in " + runs + " runs",
        gilFailed ? "LOST AN UPDATE" : "no lost update in " + runs + " runs");
    figures.put("lock_failed", lockFailed);
    figures.put("gil_failed", gilFailed);
    return figures;
  }

  private Map<String, Object> replay(Output out, int n, Path file) throws Exception {
    ScheduleLog log = ScheduleLog.read(file);
    Scheduled race = new Scheduled(Variant.GIL_CHECKPOINT, n);
    out.printf(
        "Replaying %s (%s, %d hand-offs) on v = x; checkpoint(); x = v + 1, %d increment%s per"
            + " thread:%n%n",
        file, log.schedule(), log.handOffs().size(), n, n == 1 ? "" : "s");
    Explorer.Run run =
        traces.record(
            "race-replay",
            "./baton race --replay: the logged schedule",
            () -> Explorer.replay(race, log));
    boolean identical = run.log().sameSchedule(log);
    out.printf("%s%n", race.cell.table(log.threads()).indent(2));
    out.printf(
        "final value %d, lost %d; same hand-offs as the log: %s%n",
        race.cell.value(), race.lost(), identical ? "yes" : "NO");
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("increments", n);
    figures.put("hand_offs", log.handOffs().size());
    figures.put("final_value", race.cell.value());
    figures.put("lost", race.lost());
    figures.put("replay_identical", identical);
    return figures;
  }

  /** Two plain JVM threads, no lock: the talk's first table, whenever the OS interleaves them. */
  static Outcome noLock(int n) throws InterruptedException {
    Counter counter = new Counter();
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger running = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 1; t <= 2; t++) {
      threads.add(
          Thread.ofPlatform()
              .name("thread-" + t)
              .start(
                  () -> {
                    awaitUninterruptibly(go);
                    // spin until both threads are on a core, so that their loops overlap
                    running.incrementAndGet();
                    while (running.get() < 2) {
                      Thread.onSpinWait();
                    }
                    for (int i = 0; i < n; i++) {
                      long value = counter.value; // read value
                      counter.value = value + 1; // increase value, write back
                    }
                  }));
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    return new Outcome(counter.value, 2L * n - counter.value, -1);
  }

  /** Where the GIL variants may switch threads. */
  enum Variant {
    /** A GilLock around read, checkpoint, write. */
    GIL_LOCK,
    /** Read, write, then a checkpoint. */
    GIL,
    /** Read, a checkpoint, then write. */
    GIL_CHECKPOINT
  }

  /** Two threads of one GIL runtime incrementing the counter as {@code variant} says. */
  static Outcome underGil(int n, Duration switchInterval, Variant variant) {
    Counter counter = new Counter();
    GilLock lock = new GilLock();
    CountDownLatch ready = new CountDownLatch(2);
    CountDownLatch go = new CountDownLatch(1);
    GilStats stats;
    try (GilRuntime runtime =
        GilRuntime.builder().name("race").switchInterval(switchInterval).build()) {
      Gil gil = runtime.gil();
      Runnable body =
          () -> {
            ready.countDown();
            // wait for the start without the GIL, so that both threads begin together
            Blocking.run(() -> awaitUninterruptibly(go));
            for (int i = 0; i < n; i++) {
              switch (variant) {
                case GIL_LOCK -> {
                  lockOrFail(lock);
                  try {
                    long value = counter.value;
                    gil.checkpoint();
                    counter.value = value + 1;
                  } finally {
                    lock.unlock();
                  }
                }
                case GIL -> {
                  long value = counter.value;
                  counter.value = value + 1;
                  gil.checkpoint();
                }
                case GIL_CHECKPOINT -> {
                  long value = counter.value;
                  gil.checkpoint();
                  counter.value = value + 1;
                }
              }
            }
          };
      runtime.startThread("thread-1", body);
      runtime.startThread("thread-2", body);
      awaitUninterruptibly(ready);
      go.countDown();
      runtime.close();
      stats = runtime.stats();
    }
    return new Outcome(counter.value, 2L * n - counter.value, stats.forcedSwitches());
  }

  private static void lockOrFail(GilLock lock) {
    try {
      lock.lock();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking the lock", e);
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
