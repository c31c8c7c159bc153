package dev.baton.gil.sched;

import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilSchedule;
import dev.baton.gil.ScheduleDivergedException;
import dev.baton.gil.ScheduleLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a scenario under many seeded {@link GilSchedule}s until its check fails, then shrinks the
 * failing schedule to the fewest hand-offs that still fail: a systematic search for races among the
 * interleavings a GIL can produce (a thread loses the GIL only at its checkpoints and blocking
 * sections), each one replayable.
 *
 * <pre>{@code
 * Optional<Explorer.Failure> failure =
 *     Explorer.random().runs(1000).explore(runtime -> {
 *       TracedCell x = new TracedCell("x", 0);
 *       for (int t = 0; t < 2; t++) {
 *         runtime.startThread("thread-" + (t + 1), () -> {
 *           long v = x.read();
 *           runtime.gil().checkpoint();
 *           x.write(x.increase(v));
 *         });
 *       }
 *       return () -> assertEquals(2, x.value());
 *     });
 * }</pre>
 *
 * <p>From JUnit 5, {@link #assertNoFailure(Scenario)} fails the test with the minimal schedule
 * rendered. Threading: an explorer is a configuration, immutable and shareable; each run builds a
 * fresh runtime on the calling thread, which must not hold a GIL.
 */
public final class Explorer {
  private static final Logger LOG = LoggerFactory.getLogger(Explorer.class);

  /** Runs tried at most while shrinking one failure. */
  static final int MAX_SHRINK_RUNS = 500;

  /** One run of the test body. */
  @FunctionalInterface
  public interface Scenario {
    /**
     * Starts the run's threads on {@code runtime} (a fresh, scheduled runtime, from outside it) and
     * returns the check to make once they all ended. The explorer then closes the runtime, which
     * lets the threads run.
     *
     * @param runtime the run's runtime
     * @return the check, or null for none (a run then fails only if a thread throws)
     * @throws Exception when the run cannot be set up (the exploration stops with it)
     */
    Check start(GilRuntime runtime) throws Exception;
  }

  /** What must hold after a run. */
  @FunctionalInterface
  public interface Check {
    /**
     * @throws AssertionError when the run failed (JUnit's and AssertJ's assertions throw it)
     */
    void verify();
  }

  /**
   * One run's outcome.
   *
   * @param log its hand-offs
   * @param failure why the run was abandoned as blocked outside the schedule ({@link
   *     GilSchedule#blocked()}), or what a thread threw, or the deadlock found, or the check's
   *     AssertionError; null when it passed
   */
  public record Run(ScheduleLog log, Throwable failure) {
    /**
     * @return whether the run failed
     */
    public boolean failed() {
      return failure != null;
    }
  }

  /**
   * A failing schedule found.
   *
   * @param seed the seed of the first failing run
   * @param runsToFailure how many runs it took, the failing one included
   * @param found the failing run's log
   * @param minimal the shrunk log: the fewest hand-offs found that still fail, replayable with
   *     {@link GilSchedule#replay(ScheduleLog)}
   * @param failure what the minimal run's check or thread threw
   */
  public record Failure(
      long seed, int runsToFailure, ScheduleLog found, ScheduleLog minimal, Throwable failure) {
    /**
     * @return the minimal schedule as text, with the failure's message
     */
    public String render() {
      return "seed "
          + seed
          + " failed after "
          + runsToFailure
          + (runsToFailure == 1 ? " run" : " runs")
          + "; minimal schedule, "
          + minimal.handOffs().size()
          + " hand-offs (found with "
          + found.handOffs().size()
          + "):\n"
          + minimal.render()
          + "failure: "
          + failure;
    }
  }

  private enum Kind {
    RANDOM,
    PCT
  }

  private final Kind kind;
  private final int depth;
  private final int steps;
  private final int runs;
  private final Duration time;
  private final long firstSeed;
  private final Duration blockingBudget;
  private final boolean skipBlocked;

  private Explorer(
      Kind kind,
      int depth,
      int steps,
      int runs,
      Duration time,
      long firstSeed,
      Duration blockingBudget,
      boolean skipBlocked) {
    this.kind = kind;
    this.depth = depth;
    this.steps = steps;
    this.runs = runs;
    this.time = time;
    this.firstSeed = firstSeed;
    this.blockingBudget = blockingBudget;
    this.skipBlocked = skipBlocked;
  }

  /**
   * @return an explorer with {@link GilSchedule#random(long)} schedules, seeds 1, 2, ..., 1000 runs
   */
  public static Explorer random() {
    return new Explorer(
        Kind.RANDOM, 0, 0, 1000, null, 1, GilSchedule.DEFAULT_BLOCKING_BUDGET, false);
  }

  /**
   * @param depth the bug depth (see {@link GilSchedule#pct(long, int, int)})
   * @param steps about how many scheduling points a run has
   * @return an explorer with PCT schedules, seeds 1, 2, ..., 1000 runs
   */
  public static Explorer pct(int depth, int steps) {
    GilSchedule.pct(0, depth, steps); // validates
    return new Explorer(
        Kind.PCT, depth, steps, 1000, null, 1, GilSchedule.DEFAULT_BLOCKING_BUDGET, false);
  }

  /**
   * @param budget how many runs at most (at least 1)
   * @return a copy with that budget
   */
  public Explorer runs(int budget) {
    if (budget < 1) {
      throw new IllegalArgumentException("runs must be at least 1, was " + budget);
    }
    return new Explorer(kind, depth, steps, budget, time, firstSeed, blockingBudget, skipBlocked);
  }

  /**
   * @param budget how long to explore at most, in real time (the run budget still applies)
   * @return a copy with that budget
   */
  public Explorer time(Duration budget) {
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("time budget must be positive, was " + budget);
    }
    return new Explorer(kind, depth, steps, runs, budget, firstSeed, blockingBudget, skipBlocked);
  }

  /**
   * @param seed the seed of the first run; run {@code i} uses {@code seed + i}
   * @return a copy starting there
   */
  public Explorer firstSeed(long seed) {
    return new Explorer(kind, depth, steps, runs, time, seed, blockingBudget, skipBlocked);
  }

  /**
   * @param budget how long a run may make no scheduling progress, in real time, before the thread
   *     that blocks outside the schedule ends it as a failure (see {@link
   *     GilSchedule#blockingBudget(Duration)}); positive
   * @return a copy with that budget
   */
  public Explorer blockingBudget(Duration budget) {
    GilSchedule.random(0).blockingBudget(budget); // validates
    return new Explorer(kind, depth, steps, runs, time, firstSeed, budget, skipBlocked);
  }

  /**
   * A run that blocks outside the schedule (see {@link #blockingBudget(Duration)}) is a failure
   * that stops the exploration, by default; with this, such a run is logged and skipped, and the
   * exploration goes on with the next seed.
   *
   * @return a copy that skips the runs blocked outside the schedule
   */
  public Explorer skipBlockedRuns() {
    return new Explorer(kind, depth, steps, runs, time, firstSeed, blockingBudget, true);
  }

  /**
   * @param seed a seed
   * @return the schedule this explorer uses for {@code seed}
   */
  public GilSchedule schedule(long seed) {
    GilSchedule schedule =
        kind == Kind.PCT ? GilSchedule.pct(seed, depth, steps) : GilSchedule.random(seed);
    return schedule.blockingBudget(blockingBudget);
  }

  /**
   * Explores: runs {@code scenario} under successive seeds until a run fails or the budget is
   * spent, then shrinks the failing schedule.
   *
   * @param scenario the test body
   * @return the failure, or empty when every run passed
   * @throws Exception what the scenario's setup threw
   */
  public Optional<Failure> explore(Scenario scenario) throws Exception {
    Objects.requireNonNull(scenario, "scenario");
    long until = time == null ? 0 : System.nanoTime() + time.toNanos();
    for (int i = 0; i < runs && (time == null || System.nanoTime() - until < 0); i++) {
      long seed = firstSeed + i;
      GilSchedule schedule = schedule(seed);
      Run run = run(scenario, schedule);
      if (run.failed() && schedule.blocked() != null) {
        if (skipBlocked) {
          LOG.warn("seed {}: run skipped: {}", seed, schedule.blocked().getMessage());
          continue;
        }
        // not shrunk: each candidate could cost the blocking budget again
        return Optional.of(new Failure(seed, i + 1, run.log(), run.log(), run.failure()));
      }
      if (run.failed()) {
        Run minimal = shrink(scenario, run);
        return Optional.of(new Failure(seed, i + 1, run.log(), minimal.log(), minimal.failure()));
      }
    }
    return Optional.empty();
  }

  /**
   * Explores and fails with the rendered minimal schedule when a run fails: the JUnit 5 form.
   *
   * @param scenario the test body
   * @throws AssertionError naming the seed and showing the minimal schedule
   * @throws Exception what the scenario's setup threw
   */
  public void assertNoFailure(Scenario scenario) throws Exception {
    Optional<Failure> failure = explore(scenario);
    if (failure.isPresent()) {
      throw new AssertionError(failure.get().render(), failure.get().failure());
    }
  }

  /**
   * Runs {@code scenario} once under {@code schedule}.
   *
   * @param scenario the test body
   * @param schedule a fresh schedule
   * @return the run's log and failure
   * @throws Exception what the scenario's setup threw
   */
  public static Run run(Scenario scenario, GilSchedule schedule) throws Exception {
    List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
    Check check;
    try (GilRuntime runtime =
        GilRuntime.builder()
            .name("explore")
            .schedule(schedule)
            .watchdogOff()
            .uncaughtExceptionHandler((thread, e) -> thrown.add(e))
            .build()) {
      check = scenario.start(runtime);
    }
    Throwable failure = schedule.blocked();
    if (failure == null && !thrown.isEmpty()) {
      failure = thrown.get(0);
    }
    if (failure == null && schedule.deadlock() != null) {
      failure = schedule.deadlock();
    }
    if (failure == null && check != null) {
      try {
        check.verify();
      } catch (AssertionError e) {
        failure = e;
      }
    }
    return new Run(schedule.log(), failure);
  }

  /**
   * Replays {@code log} exactly.
   *
   * @param scenario the test body that was logged
   * @param log the log
   * @return the replayed run (its log is the same schedule as {@code log})
   * @throws ScheduleDivergedException if the run did something else than the log says
   * @throws Exception what the scenario's setup threw
   */
  public static Run replay(Scenario scenario, ScheduleLog log) throws Exception {
    GilSchedule schedule = GilSchedule.replay(log);
    Run run = run(scenario, schedule);
    ScheduleDivergedException diverged = schedule.divergence();
    if (diverged != null) {
      throw diverged;
    }
    return run;
  }

  /**
   * Shrinks a failing run: leaves out one hand-off at a time, keeps any run with fewer hand-offs
   * that still fails, until no single removal helps (or {@link #MAX_SHRINK_RUNS} runs).
   *
   * @param scenario the test body
   * @param failing a failing run
   * @return the smallest failing run found (its log replays exactly)
   * @throws Exception what the scenario's setup threw
   */
  public static Run shrink(Scenario scenario, Run failing) throws Exception {
    Run best = failing;
    int tried = 0;
    boolean smaller = true;
    while (smaller && tried < MAX_SHRINK_RUNS) {
      smaller = false;
      for (int i = best.log().handOffs().size() - 1; i >= 0 && tried < MAX_SHRINK_RUNS; i--) {
        GilSchedule follow = GilSchedule.follow(best.log().without(i));
        Run candidate = run(scenario, follow);
        tried++;
        if (candidate.failed()
            && follow.blocked() == null
            && candidate.log().handOffs().size() < best.log().handOffs().size()) {
          best = candidate;
          smaller = true;
          break;
        }
      }
    }
    return best;
  }
}
