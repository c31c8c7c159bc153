package dev.baton.gil;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A deterministic scheduling mode for one {@link GilRuntime} ({@link
 * GilRuntime.Builder#schedule(GilSchedule)}): which thread holds the GIL is decided at each
 * scheduling point by a seeded generator or by a {@link ScheduleLog}, never by time, so that a run
 * can be repeated exactly and a race found once can be shown again. How the runtime does it is in
 * {@code DeterministicSync}'s block comment.
 *
 * <ul>
 *   <li>{@link #random(long)}: at each point, any runnable thread with equal probability.
 *   <li>{@link #pct(long, int, int)}: probabilistic concurrency testing (Burckhardt et al., ASPLOS
 *       2010): random thread priorities and {@code depth - 1} random priority change points; finds
 *       a bug of depth {@code d} with probability at least {@code 1/(n k^(d-1))}.
 *   <li>{@link #replay(ScheduleLog)}: the logged hand-offs, exactly; a run that diverges is
 *       reported with {@link ScheduleDivergedException}.
 *   <li>{@link #follow(ScheduleLog)}: the logged hand-offs where they still apply, skipping the
 *       others: what shrinking a failing schedule tries.
 * </ul>
 *
 * <p>One schedule drives one runtime, once. Threading: any thread may call the getters; they read
 * the state under the runtime's internal mutex.
 */
public final class GilSchedule {
  /** The default {@link #blockingBudget(Duration)}. */
  public static final Duration DEFAULT_BLOCKING_BUDGET = Duration.ofSeconds(5);

  private final String description;
  final Strategy strategy;
  private final long blockingBudgetNanos;

  /** Set once when a runtime is built with this schedule. */
  private volatile DeterministicSync engine;

  private GilSchedule(String description, Strategy strategy) {
    this(description, strategy, DEFAULT_BLOCKING_BUDGET.toNanos());
  }

  private GilSchedule(String description, Strategy strategy, long blockingBudgetNanos) {
    this.description = description;
    this.strategy = strategy;
    this.blockingBudgetNanos = blockingBudgetNanos;
  }

  /**
   * How long a run may make no scheduling progress, in real time, before the thread that blocks
   * outside the schedule (in a monitor, a {@code java.util.concurrent} lock, real I/O) ends the run
   * as a failure that {@link #blocked()} reports: while the runtime's {@code close()} waits for its
   * threads, the run is watched; a lock cycle the JVM sees, or a JDK lock the running thread waits
   * for that a thread waiting for the schedule holds, ends it at once, anything else only after
   * this budget. The run's threads left are then interrupted and abandoned ({@code close()} no
   * longer waits for them; they end with a {@link java.util.concurrent.CancellationException} if
   * they come back to the schedule). Default {@link #DEFAULT_BLOCKING_BUDGET}.
   *
   * @param budget positive
   * @return a copy of this schedule, not yet used, with that budget; use it instead of this one
   * @throws IllegalArgumentException if {@code budget} is not positive
   * @throws IllegalStateException if this schedule already drives a runtime
   */
  public GilSchedule blockingBudget(Duration budget) {
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative() || budget.isZero()) {
      throw new IllegalArgumentException("blocking budget must be positive, was " + budget);
    }
    if (engine != null) {
      throw new IllegalStateException(
          "GilSchedule \"" + description + "\" already drives a runtime; set its budget before");
    }
    long nanos;
    try {
      nanos = budget.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE;
    }
    return new GilSchedule(description, strategy, nanos);
  }

  long blockingBudgetNanos() {
    return blockingBudgetNanos;
  }

  /**
   * @param seed the generator's seed
   * @return a schedule that picks uniformly among the runnable threads at each scheduling point
   */
  public static GilSchedule random(long seed) {
    return new GilSchedule("random seed=" + seed, new RandomStrategy(seed));
  }

  /**
   * @param seed the generator's seed
   * @param depth the bug depth to aim at: {@code depth - 1} priority changes (1 to 64)
   * @param steps about how many scheduling points a run has, the range the change points are drawn
   *     from (at least 1)
   * @return a PCT schedule
   * @throws IllegalArgumentException if {@code depth} or {@code steps} is out of range
   */
  public static GilSchedule pct(long seed, int depth, int steps) {
    if (depth < 1 || depth > 64) {
      throw new IllegalArgumentException("depth must be between 1 and 64, was " + depth);
    }
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1, was " + steps);
    }
    return new GilSchedule(
        "pct seed=" + seed + " depth=" + depth + " steps=" + steps,
        new PctStrategy(seed, depth, steps));
  }

  /**
   * @param log a log a scheduled run recorded
   * @return a schedule that repeats it exactly, and records a {@link ScheduleDivergedException}
   *     (see {@link #divergence()}) at the first point where the run does something else
   */
  public static GilSchedule replay(ScheduleLog log) {
    Objects.requireNonNull(log, "log");
    return new GilSchedule(log.schedule(), new FollowStrategy(log, true));
  }

  /**
   * @param log a log, usually a recorded one with some hand-offs left out
   * @return a schedule that makes each of the log's hand-offs that still applies (its thread
   *     reaches that checkpoint count and the receiver can run), skips the others, lets the running
   *     thread go on at every other point, and gives the GIL to the lowest runnable id when the
   *     running thread stops
   */
  public static GilSchedule follow(ScheduleLog log) {
    Objects.requireNonNull(log, "log");
    return new GilSchedule("follow " + log.schedule(), new FollowStrategy(log, false));
  }

  /**
   * @return what this schedule is, e.g. {@code "random seed=7"}
   */
  public String description() {
    return description;
  }

  /**
   * @return the hand-offs recorded so far by the runtime this schedule drives (empty before one is
   *     built)
   */
  public ScheduleLog log() {
    DeterministicSync e = engine;
    return e == null ? new ScheduleLog(description, 0, List.of(), List.of()) : e.log(description);
  }

  /**
   * @return the divergence of a {@linkplain #replay(ScheduleLog) replay}, or null while the run
   *     follows its log
   */
  public ScheduleDivergedException divergence() {
    DeterministicSync e = engine;
    return e == null ? null : e.divergence();
  }

  /**
   * @return the deadlock found, or null: every thread left waits for a GIL-aware primitive ({@link
   *     GilLock}, {@link GilRLock}, {@link GilCondition}, {@link GilEvent}, {@link GilQueue},
   *     {@link GilSemaphore}) or a join that no runnable thread can end (each waiting thread then
   *     gets this exception, which names every waiting thread and what it waits for)
   */
  public IllegalStateException deadlock() {
    DeterministicSync e = engine;
    return e == null ? null : e.deadlock();
  }

  /**
   * @return why the run was abandoned as blocked outside the schedule (see {@link
   *     #blockingBudget(Duration)}), naming the thread, what it waits for, with its stack; null
   *     when it was not
   */
  public IllegalStateException blocked() {
    DeterministicSync e = engine;
    return e == null ? null : e.blocked();
  }

  /**
   * @return the virtual clock in nanoseconds: the runtime's sleeps and timeouts advance it when no
   *     thread can run, and nothing else does
   */
  public long clockNanos() {
    DeterministicSync e = engine;
    return e == null ? 0 : e.clockNanos();
  }

  void attach(DeterministicSync sync) {
    synchronized (this) {
      if (engine != null) {
        throw new IllegalStateException(
            "GilSchedule \""
                + description
                + "\" already drives a runtime; build each runtime with a new schedule");
      }
      engine = sync;
    }
  }

  @Override
  public String toString() {
    DeterministicSync e = engine;
    return "GilSchedule[" + description + (e == null ? "" : ", " + e.state()) + "]";
  }

  // ---------------------------------------------------------------- strategies

  /**
   * Chooses the next holder. Called with the runtime's mutex held, from one thread at a time.
   * {@code enabled} is sorted by id and not empty; {@code last} is the thread that ran last (null
   * before the first grant), in {@code enabled} when it stopped at a checkpoint.
   */
  abstract static class Strategy {
    /** A thread was registered (ids in order). */
    void registered(DeterministicSync.Rec rec) {}

    abstract DeterministicSync.Rec pick(
        DeterministicSync.Rec last, List<DeterministicSync.Rec> enabled, DeterministicSync sync);

    /** Every thread ended; the run is over. */
    void finished(DeterministicSync sync) {}
  }

  private static final class RandomStrategy extends Strategy {
    private final SplittableRandom random;

    RandomStrategy(long seed) {
      this.random = new SplittableRandom(seed);
    }

    @Override
    DeterministicSync.Rec pick(
        DeterministicSync.Rec last, List<DeterministicSync.Rec> enabled, DeterministicSync sync) {
      return enabled.get(random.nextInt(enabled.size()));
    }
  }

  /*
   * PCT [Burckhardt, Kothari, Musuvathi, Nagarakatte, "A Randomized Scheduler with Probabilistic
   * Guarantees of Finding Bugs", ASPLOS 2010]: each thread gets a random priority of at least
   * `depth` when it is registered; the highest-priority runnable thread runs; at each of depth - 1
   * change points, drawn uniformly from 1..steps, the running thread's priority drops below every
   * priority given so far. Threads are registered as they start, so priorities are drawn then
   * rather than as a permutation up front.
   */
  private static final class PctStrategy extends Strategy {
    private final SplittableRandom random;
    private final int depth;
    private final TreeSet<Long> changePoints = new TreeSet<>();
    private long step;
    private int changed;

    PctStrategy(long seed, int depth, int steps) {
      this.random = new SplittableRandom(seed);
      this.depth = depth;
      int wanted = Math.min(depth - 1, steps);
      while (changePoints.size() < wanted) {
        changePoints.add(1 + (long) random.nextInt(steps));
      }
    }

    @Override
    void registered(DeterministicSync.Rec rec) {
      rec.priority = depth + random.nextInt(1 << 30);
    }

    @Override
    DeterministicSync.Rec pick(
        DeterministicSync.Rec last, List<DeterministicSync.Rec> enabled, DeterministicSync sync) {
      step++;
      if (last != null && changePoints.contains(step)) {
        last.priority = depth - 1 - changed++;
      }
      DeterministicSync.Rec best = enabled.get(0);
      for (DeterministicSync.Rec r : enabled) {
        if (r.priority > best.priority) {
          best = r;
        }
      }
      return best;
    }
  }

  /** Replays a log strictly, or follows it leniently (shrinking). */
  private static final class FollowStrategy extends Strategy {
    private final ScheduleLog log;
    private final boolean strict;
    private int next;

    FollowStrategy(ScheduleLog log, boolean strict) {
      this.log = log;
      this.strict = strict;
    }

    @Override
    DeterministicSync.Rec pick(
        DeterministicSync.Rec last, List<DeterministicSync.Rec> enabled, DeterministicSync sync) {
      if (last == null) {
        DeterministicSync.Rec first = find(enabled, log.first());
        if (first == null) {
          if (strict) {
            throw new ScheduleDivergedException(
                "replay diverged at the start: the log's first holder, thread "
                    + log.first()
                    + ", is not runnable; runnable: "
                    + ids(enabled));
          }
          return enabled.get(0);
        }
        return first;
      }
      boolean lastRunnable = enabled.contains(last);
      while (next < log.handOffs().size()) {
        ScheduleLog.HandOff h = log.handOffs().get(next);
        DeterministicSync.Rec to = find(enabled, h.to());
        if (h.from() == last.id && h.checkpoint() == last.steps) {
          if (strict) {
            String site = sync.lastSite();
            if (!h.site().equals(site) || h.reason() != sync.lastReason() || to == null) {
              throw diverged(h, last, sync, to == null ? "thread " + h.to() + " cannot run" : null);
            }
          }
          if (to != null && to != last) {
            next++;
            return to;
          }
          next++;
          continue;
        }
        if (strict) {
          if (!lastRunnable) {
            throw diverged(h, last, sync, null);
          }
          return last;
        }
        if (sync.cannotReach(h)) {
          next++;
          continue;
        }
        break;
      }
      if (lastRunnable) {
        return last;
      }
      if (strict) {
        throw new ScheduleDivergedException(
            "replay diverged: thread "
                + last.id
                + " stopped at checkpoint "
                + last.steps
                + " ("
                + sync.lastSite()
                + ", "
                + sync.lastReason().text()
                + ") after the log's last hand-off; the log has no hand-off there");
      }
      return enabled.get(0);
    }

    @Override
    void finished(DeterministicSync sync) {
      if (strict && next < log.handOffs().size()) {
        ScheduleLog.HandOff h = log.handOffs().get(next);
        sync.diverged(
            new ScheduleDivergedException(
                "replay diverged: every thread ended before hand-off #"
                    + h.sequence()
                    + " of the log (thread "
                    + h.from()
                    + " -> thread "
                    + h.to()
                    + " at checkpoint "
                    + h.checkpoint()
                    + " of thread "
                    + h.from()
                    + ", "
                    + h.site()
                    + ")"));
      }
    }

    private static ScheduleDivergedException diverged(
        ScheduleLog.HandOff h, DeterministicSync.Rec last, DeterministicSync sync, String extra) {
      return new ScheduleDivergedException(
          "replay diverged at hand-off #"
              + h.sequence()
              + ": the log has thread "
              + h.from()
              + " -> thread "
              + h.to()
              + " at checkpoint "
              + h.checkpoint()
              + " of thread "
              + h.from()
              + " ("
              + h.site()
              + ", "
              + h.reason().text()
              + "), but thread "
              + last.id
              + " ("
              + last.thread.getName()
              + ") stopped at checkpoint "
              + last.steps
              + " ("
              + sync.lastSite()
              + ", "
              + sync.lastReason().text()
              + ")"
              + (extra == null ? "" : "; " + extra)
              + "; the body replayed is not the one logged");
    }

    private static DeterministicSync.Rec find(List<DeterministicSync.Rec> enabled, int id) {
      for (DeterministicSync.Rec r : enabled) {
        if (r.id == id) {
          return r;
        }
      }
      return null;
    }

    private static String ids(List<DeterministicSync.Rec> enabled) {
      StringBuilder out = new StringBuilder();
      for (DeterministicSync.Rec r : enabled) {
        out.append(out.isEmpty() ? "" : ", ").append(r.id);
      }
      return out.toString();
    }
  }
}
