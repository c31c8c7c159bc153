package dev.baton.gil;

import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

/*
 * Deterministic scheduling: a GilSchedule decides who holds the GIL, not time.
 *
 * Every scheduling point reaches this class. The gate is DROP_REQUEST for good and `waiters`
 * counts one phantom waiter, so every checkpoint takes Gil's slow path into switchAway(), every
 * release goes to releaseToWaiters(), and no acquire can take a free GIL by CAS: between two
 * tenures `holder` is NOBODY, a thread that never runs. The uncontended fast paths of Gil are thus
 * unused, and Gil needs no branch for this mode.
 *
 * One runnable thread at a time. Each runtime thread has a record (logical id in start order) and a
 * state, all guarded by the mutex: ARRIVING (started, not yet at its first acquire), READY (at a
 * scheduling point, runnable), RUNNING (the holder), WAITING (in a sleep, a join or a wait of a
 * GIL-aware primitive: GilLock, GilRLock, GilCondition, GilEvent, GilQueue, GilSemaphore, each
 * through waitUntil keyed on the primitive and signal() by the thread that changes it; runnable
 * again when signalled or when the virtual clock reaches its deadline), BLOCKED (in a real blocking
 * section) and ENDED. A decision (dispatch) is made only when no thread is RUNNING and none is
 * ARRIVING, so a thread the holder has just started takes part in the next decision whatever the
 * operating system does; the strategy picks among the READY threads; a pick other than the thread
 * that ran last is a hand-off and is logged with that thread's checkpoint count, call site and
 * reason. Threads started from outside the runtime wait until the starter calls close(), so that
 * they all take part in the first decision.
 *
 * The virtual clock. Sleeps and timeouts of the controlled waits are deadlines on `clock`, which
 * advances, only when no thread is READY, to the earliest deadline. A run never waits for real
 * time, and its schedule does not depend on the machine's speed.
 *
 * What is not deterministic. A real blocking section (I/O, a Future, a wait the schedule does not
 * control) is BLOCKED: decisions go on without it, and it becomes READY when its call returns, at a
 * moment the schedule does not control. A run with such sections records and replays its hand-offs,
 * but a replay may diverge. Event-loop turn-taking (Gil.transferTo) is not supported under a
 * schedule.
 *
 * Blocked outside the schedule. A thread can stop where the schedule cannot see it: holding the
 * GIL (RUNNING) in a monitor, a java.util.concurrent lock, a raw read; or in a blocking section
 * (BLOCKED) that never returns. Every state change bumps `progress`; the starter, waiting in the
 * runtime's close() (awaitRunEnd), watches it. After WATCH_NANOS without progress it looks, through
 * ThreadMXBean (BlockedRun), for what is certain: (a) a lock cycle the JVM detects among the
 * run's threads (monitors and ownable synchronizers, e.g. ABBA on ReentrantLocks inside blocking
 * sections); (b) a chain of JDK-lock owners from the RUNNING thread to a thread that waits for the
 * schedule (READY, WAITING, ARRIVING), which no decision can ever run while the holder waits (ABBA
 * on monitors or on ReentrantLocks with a checkpoint between). Both end the run at once. Anything
 * else (real I/O that never completes, a raw pipe read whose writer is a READY thread, a
 * Condition or Object.wait nobody signals, a long loop with no checkpoint) is only bounded: after
 * the schedule's blocking budget (GilSchedule.blockingBudget) with no progress, the run ends,
 * blaming the RUNNING thread, else the BLOCKED ones, with their stacks. Ending a run (abandon):
 * `blocked` is set, no grant is made any more, every thread not ENDED is interrupted (which frees
 * sleeps, waits and interruptible channels), and a thread that comes back to the schedule gets a
 * CancellationException from awaitGrant, which ends its body. close() stops waiting for the
 * abandoned threads; they are daemon threads of the JVM (GilRuntime makes a scheduled runtime's
 * threads daemon), so one stuck for good in a monitor cannot keep the JVM alive. The next run has
 * its own runtime, GIL and scheduler, so nothing of the abandoned run reaches it.
 *
 * Failures. A replay's divergence is recorded, and the run goes on with the running thread kept
 * and otherwise the lowest runnable id, so that it ends; GilSchedule.divergence() reports it. A
 * deadlock (nothing READY, BLOCKED or timed, some thread WAITING) wakes every waiting thread with
 * an IllegalStateException naming what each waits for, so nothing hangs.
 */

/** The {@link GilSchedule} mode of a {@link Gil}; the design is in this file's block comment. */
final class DeterministicSync extends GilSync {
  /** The holder between two tenures: a thread that is never started. */
  static final Thread NOBODY =
      Thread.ofPlatform().name("nobody (scheduled GIL between two tenures)").unstarted(() -> {});

  private static final long NO_DEADLINE = Long.MAX_VALUE;

  /** How long the run makes no progress before the starter looks for a blocked thread. */
  private static final long WATCH_NANOS = 50_000_000L;

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static final CodeSource GIL_CODE = Gil.class.getProtectionDomain().getCodeSource();
  private static final CodeSource CORE_CODE = Tracer.class.getProtectionDomain().getCodeSource();

  /** Whether a class is the runtime's own (gil, core, the JDK): skipped when naming a call site. */
  private static final ClassValue<Boolean> INTERNAL =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          return isInternal(type);
        }
      };

  enum State {
    ARRIVING,
    READY,
    RUNNING,
    WAITING,
    BLOCKED,
    ENDED
  }

  /** One thread of the runtime. Every field is guarded by the mutex. */
  static final class Rec {
    final int id;
    final Thread thread;
    final Condition wake;
    State state = State.ARRIVING;

    /** Scheduling points reached (the log's checkpoint count). */
    long steps;

    /** The strategy's (PCT). */
    long priority;

    boolean granted;
    boolean ending;
    Object monitor;
    long deadline = NO_DEADLINE;
    IllegalStateException deadlocked;

    /** Started by the runtime as a thread its close() waits for. */
    boolean awaited;

    /** The hand-off that gave this thread the GIL, for its timeline mark; null when none. */
    String handOffMark;

    Rec(int id, Thread thread, Condition wake) {
      this.id = id;
      this.thread = thread;
      this.wake = wake;
    }
  }

  private final GilSchedule schedule;
  private final GilSchedule.Strategy strategy;
  private final Map<Thread, Rec> byThread = new IdentityHashMap<>();
  private final List<Rec> threads = new ArrayList<>();
  private final List<ScheduleLog.HandOff> handOffs = new ArrayList<>();

  private Rec running;

  /** The thread that ran last, and where and why it stopped. */
  private Rec last;

  private String lastSite;
  private ScheduleLog.Reason lastReason;
  private int first;
  private boolean go;
  private long clock;
  private ScheduleDivergedException divergence;
  private IllegalStateException deadlock;

  /** Bumped at every change of a thread's state; the starter's watch compares it over time. */
  private long progress;

  /** Signalled when a thread ends or the run is over; the starter awaits it in awaitRunEnd(). */
  private final Condition changed = mutex.newCondition();

  /** The run ended as blocked outside the schedule: no grant is made any more. */
  private IllegalStateException blocked;

  DeterministicSync(Gil gil, GilSchedule schedule) {
    super(gil);
    this.schedule = Objects.requireNonNull(schedule, "schedule");
    this.strategy = schedule.strategy;
    gil.holder = NOBODY;
    gil.waiters = 1; // the phantom waiter: every release comes here
    gil.setGateOpaque(Gil.DROP_REQUEST);
    schedule.attach(this);
  }

  /** The scheduler of the GIL the caller holds, or null when it holds none or one not scheduled. */
  static DeterministicSync current() {
    Gil gil = Gil.current();
    return gil == null ? null : gil.scheduler();
  }

  // ---------------------------------------------------------------- runtime hooks

  /**
   * The runtime starts {@code thread}: register it before it runs.
   *
   * @param awaited whether the runtime's close() waits for it (not a daemon of the runtime)
   */
  void threadStarting(Thread thread, boolean awaited) {
    mutex.lock();
    try {
      register(thread).awaited = awaited;
    } finally {
      mutex.unlock();
    }
  }

  /** A runtime thread's body ended; its coming release is its end. */
  void threadEnding(Thread thread) {
    mutex.lock();
    try {
      Rec r = byThread.get(thread);
      if (r != null) {
        r.ending = true;
        progressed();
      }
    } finally {
      mutex.unlock();
    }
  }

  /** The thread that started the runtime's threads waits for them: they may begin. */
  void starterWaits() {
    mutex.lock();
    try {
      go = true;
      dispatch();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * The starter (in close()) waits until every thread close() waits for has ended, watching the
   * run: when it makes no progress, a thread blocked outside the schedule is looked for (see the
   * block comment, "Blocked outside the schedule"); when one is found, or no progress is made for
   * the schedule's budget, the run is abandoned.
   *
   * @param nanos how long to wait at most, Long.MAX_VALUE for no bound
   * @return the threads abandoned (close() does not wait for them), empty when none
   */
  Set<Thread> awaitRunEnd(long nanos) {
    long start = System.nanoTime();
    mutex.lock();
    try {
      long seen = progress;
      long since = System.nanoTime();
      while (blocked == null && !runEnded()) {
        long now = System.nanoTime();
        if (nanos != Long.MAX_VALUE && now - start >= nanos) {
          return Set.of();
        }
        try {
          changed.awaitNanos(WATCH_NANOS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // kept, as close() keeps it
          return Set.of();
        }
        if (progress != seen) {
          seen = progress;
          since = System.nanoTime();
          continue;
        }
        long stuck = System.nanoTime() - since;
        if (stuck < WATCH_NANOS) {
          continue;
        }
        IllegalStateException found = BlockedRun.exact(this, threads, running);
        if (found == null && stuck >= schedule.blockingBudgetNanos()) {
          found = BlockedRun.overBudget(this, threads, running, stuck);
        }
        if (found != null) {
          return abandon(found);
        }
      }
      return blocked == null ? Set.of() : abandonedThreads();
    } finally {
      mutex.unlock();
    }
  }

  /** Whether every thread close() waits for has ended; mutex held. */
  private boolean runEnded() {
    for (Rec r : threads) {
      if (r.awaited && r.state != State.ENDED) {
        return false;
      }
    }
    return true;
  }

  /** Ends the run as blocked: no grant any more; every thread left is interrupted and abandoned. */
  private Set<Thread> abandon(IllegalStateException why) {
    blocked = why;
    for (Rec r : threads) {
      if (r.state != State.ENDED) {
        r.wake.signalAll();
        r.thread.interrupt(); // releases what an interrupt releases (sleeps, waits, channels)
      }
    }
    return abandonedThreads();
  }

  private Set<Thread> abandonedThreads() {
    Set<Thread> left = new HashSet<>();
    for (Rec r : threads) {
      if (r.state != State.ENDED) {
        left.add(r.thread);
      }
    }
    return left;
  }

  /** What a thread of an abandoned run gets when it next comes to the schedule. */
  private CancellationException abandoned(Rec r) {
    CancellationException e =
        new CancellationException(
            "thread "
                + r.id
                + " (\""
                + r.thread.getName()
                + "\") of runtime \""
                + gil.name()
                + "\" was abandoned: its run ended as blocked outside the schedule");
    e.initCause(blocked);
    return e;
  }

  /**
   * A thread's state changed; mutex held. The starter is not woken for it (it reads the counter
   * every WATCH_NANOS), only when a thread ends.
   */
  private void progressed() {
    progress++;
  }

  /** The thread's record, or null; mutex held. For BlockedRun. */
  Rec recOf(long threadId) {
    for (Rec r : threads) {
      if (r.thread.threadId() == threadId) {
        return r;
      }
    }
    return null;
  }

  GilSchedule schedule() {
    return schedule;
  }

  String gilName() {
    return gil.name();
  }

  // ---------------------------------------------------------------- what Gil calls

  @Override
  boolean await(Thread me, boolean comingBack, long start) {
    Rec r = byThread.get(me);
    if (r == null) {
      r = register(me); // a thread from outside, through ensure()
      go = true;
    }
    r.state = State.READY;
    progressed();
    dispatch();
    awaitGrant(r);
    waitersDec();
    return false;
  }

  @Override
  void releaseToWaiters(Thread me) {
    mutex.lock();
    try {
      Rec r = byThread.get(me);
      boolean end = r.ending;
      r.ending = false;
      stop(
          r,
          end ? State.ENDED : State.BLOCKED,
          end ? ScheduleLog.Reason.THREAD_END : ScheduleLog.Reason.BLOCKING_SECTION);
      if (end) {
        signalLocked(r);
        changed.signalAll(); // the starter checks whether the run has ended
      }
      dispatch();
    } finally {
      mutex.unlock();
    }
  }

  @Override
  void releasedBeforeLateWaiter(Thread me) {
    // unreachable: the phantom waiter keeps `waiters` above zero, so every release takes
    // releaseToWaiters()
  }

  @Override
  void switchAway(Thread me, boolean requested) {
    mutex.lock();
    try {
      Rec r = running;
      if (r == null || r.thread != me) {
        return;
      }
      stop(r, State.READY, ScheduleLog.Reason.DROP_REQUEST);
      dispatch();
      if (running == r) {
        r.granted = false; // the schedule keeps this thread: its tenure goes on
        return;
      }
      gil.ended(me);
      awaitGrant(r);
    } finally {
      mutex.unlock();
    }
  }

  @Override
  void wakeWaiters() {
    // nothing waits for an interval: the schedule, not time, decides every hand-off
  }

  @Override
  void foundFree() {}

  @Override
  void afterRecovery() {}

  // ---------------------------------------------------------------- controlled waits

  /**
   * The holder waits, the GIL released, until {@code ready} holds (evaluated under the mutex,
   * holding the GIL), {@code monitor} being signalled each time it may have changed; at most {@code
   * timeoutNanos} of virtual time, or without limit when negative.
   *
   * @return whether {@code ready} held
   */
  boolean waitUntil(Object monitor, BooleanSupplier ready, long timeoutNanos) {
    Thread me = Thread.currentThread();
    mutex.lock();
    try {
      Rec r = running;
      if (r == null || r.thread != me) {
        throw Gil.notHeld(gil, me, "waited under the schedule of");
      }
      long deadline =
          timeoutNanos < 0 ? NO_DEADLINE : saturatedAdd(clock, Math.max(0, timeoutNanos));
      while (!ready.getAsBoolean()) {
        if (clock >= deadline) {
          return false;
        }
        r.monitor = monitor;
        r.deadline = deadline;
        stop(r, State.WAITING, ScheduleLog.Reason.BLOCKING_SECTION);
        gil.ended(me);
        dispatch();
        awaitGrant(r);
        r.monitor = null;
        r.deadline = NO_DEADLINE;
        if (r.deadlocked != null) {
          IllegalStateException e = r.deadlocked;
          r.deadlocked = null;
          throw e;
        }
      }
      return true;
    } finally {
      mutex.unlock();
    }
  }

  /** Makes the threads waiting on {@code monitor} runnable; the caller goes on. */
  void signal(Object monitor) {
    mutex.lock();
    try {
      signalLocked(monitor);
    } finally {
      mutex.unlock();
    }
  }

  /** The holder sleeps {@code nanos} of virtual time. */
  void sleep(long nanos) {
    waitUntil(new Object(), () -> false, nanos);
  }

  /**
   * The holder waits for {@code thread} to end, at most {@code timeoutNanos} of virtual time (no
   * limit when negative).
   *
   * @return null when {@code thread} is not a thread of this runtime (the caller joins for real),
   *     else whether it ended
   */
  Boolean join(Thread thread, long timeoutNanos) {
    Rec target;
    mutex.lock();
    try {
      target = byThread.get(thread);
    } finally {
      mutex.unlock();
    }
    if (target == null) {
      return null;
    }
    return waitUntil(target, () -> target.state == State.ENDED, timeoutNanos);
  }

  // ---------------------------------------------------------------- for GilSchedule, mutex held

  String lastSite() {
    return lastSite;
  }

  ScheduleLog.Reason lastReason() {
    return lastReason;
  }

  /** Follow mode: whether {@code h} can no longer happen in this run. */
  boolean cannotReach(ScheduleLog.HandOff h) {
    Rec from = h.from() >= 1 && h.from() <= threads.size() ? threads.get(h.from() - 1) : null;
    return from == null || from.state == State.ENDED || from.steps >= h.checkpoint();
  }

  void diverged(ScheduleDivergedException e) {
    if (divergence == null) {
      divergence = e;
    }
  }

  // ---------------------------------------------------------------- for GilSchedule, any thread

  ScheduleLog log(String description) {
    mutex.lock();
    try {
      List<String> names = new ArrayList<>();
      for (Rec r : threads) {
        names.add(r.thread.getName());
      }
      return new ScheduleLog(description, first, names, handOffs);
    } finally {
      mutex.unlock();
    }
  }

  ScheduleDivergedException divergence() {
    mutex.lock();
    try {
      return divergence;
    } finally {
      mutex.unlock();
    }
  }

  IllegalStateException blocked() {
    mutex.lock();
    try {
      return blocked;
    } finally {
      mutex.unlock();
    }
  }

  IllegalStateException deadlock() {
    mutex.lock();
    try {
      return deadlock;
    } finally {
      mutex.unlock();
    }
  }

  long clockNanos() {
    mutex.lock();
    try {
      return clock;
    } finally {
      mutex.unlock();
    }
  }

  /** The threads and their states, for diagnostics; any thread. */
  String state() {
    mutex.lock();
    try {
      StringBuilder out = new StringBuilder("clock=").append(clock).append("ns");
      out.append(running == null ? ", nobody running" : ", running " + running.id);
      for (Rec r : threads) {
        out.append("; thread ")
            .append(r.id)
            .append(" \"")
            .append(r.thread.getName())
            .append("\" ")
            .append(r.state)
            .append(" at checkpoint ")
            .append(r.steps);
        if (r.monitor != null) {
          out.append(" waiting for ").append(describe(r.monitor));
        }
      }
      return out.toString();
    } finally {
      mutex.unlock();
    }
  }

  // ---------------------------------------------------------------- the decision, mutex held

  private Rec register(Thread thread) {
    Rec r = byThread.get(thread);
    if (r != null) {
      return r;
    }
    r = new Rec(threads.size() + 1, thread, mutex.newCondition());
    byThread.put(thread, r);
    threads.add(r);
    strategy.registered(r);
    return r;
  }

  /** The running thread {@code r} reaches a scheduling point, on its own thread. */
  private void stop(Rec r, State state, ScheduleLog.Reason reason) {
    progressed();
    r.steps++;
    r.state = state;
    running = null;
    gil.holder = NOBODY;
    last = r;
    lastReason = reason;
    lastSite = site();
  }

  /** Gives the GIL to the thread the strategy picks, when a decision can be made now. */
  private void dispatch() {
    if (running != null || !go || blocked != null) {
      return;
    }
    for (Rec r : threads) {
      if (r.state == State.ARRIVING) {
        return; // it takes part in this decision: wait for its arrival
      }
    }
    List<Rec> enabled = enabled();
    if (enabled.isEmpty()) {
      enabled = advanceClock();
    }
    if (enabled.isEmpty()) {
      idle();
      return;
    }
    Rec next;
    if (divergence != null) {
      next = last != null && enabled.contains(last) ? last : enabled.get(0);
    } else {
      try {
        next = strategy.pick(last, enabled, this);
      } catch (ScheduleDivergedException e) {
        diverged(e);
        next = last != null && enabled.contains(last) ? last : enabled.get(0);
      }
    }
    if (last == null) {
      first = next.id;
    } else if (next != last) {
      ScheduleLog.HandOff h =
          new ScheduleLog.HandOff(
              handOffs.size() + 1L, last.id, next.id, last.steps, lastSite, lastReason);
      handOffs.add(h);
      books.handedOff();
      if (lastReason == ScheduleLog.Reason.DROP_REQUEST) {
        books.forcedSwitch();
      }
      next.handOffMark = "#" + h.sequence() + " from thread " + last.id + ": " + h.reason().text();
    }
    running = next;
    next.state = State.RUNNING;
    gil.holder = next.thread;
    gil.acquisitions++;
    next.granted = true;
    next.wake.signal();
    progressed();
  }

  private List<Rec> enabled() {
    List<Rec> enabled = new ArrayList<>();
    for (Rec r : threads) {
      if (r.state == State.READY) {
        enabled.add(r);
      }
    }
    return enabled;
  }

  /** No thread is READY: move the clock to the earliest deadline and wake those due. */
  private List<Rec> advanceClock() {
    long earliest = NO_DEADLINE;
    for (Rec r : threads) {
      if (r.state == State.WAITING && r.deadline < earliest) {
        earliest = r.deadline;
      }
    }
    if (earliest == NO_DEADLINE) {
      return List.of();
    }
    clock = Math.max(clock, earliest);
    for (Rec r : threads) {
      if (r.state == State.WAITING && r.deadline <= clock) {
        r.state = State.READY;
      }
    }
    return enabled();
  }

  /** Nothing can run now: wait for a real blocking section, report a deadlock, or end the run. */
  private void idle() {
    List<Rec> waiting = new ArrayList<>();
    for (Rec r : threads) {
      if (r.state == State.BLOCKED) {
        return; // its return makes it READY and dispatches
      }
      if (r.state == State.WAITING) {
        waiting.add(r);
      }
    }
    if (waiting.isEmpty()) {
      strategy.finished(this);
      changed.signalAll();
      return;
    }
    StringBuilder what = new StringBuilder();
    for (Rec r : waiting) {
      what.append(what.isEmpty() ? "" : "; ")
          .append("thread ")
          .append(r.id)
          .append(" (\"")
          .append(r.thread.getName())
          .append("\") waits for ")
          .append(describe(r.monitor));
    }
    IllegalStateException e =
        new IllegalStateException(
            "deadlock under "
                + schedule
                + " of runtime \""
                + gil.name()
                + "\": no thread can run and none will wake: "
                + what
                + "; release the lock or end the thread that the others wait for");
    if (deadlock == null) {
      deadlock = e;
    }
    for (Rec r : waiting) {
      r.deadlocked = e;
      r.state = State.READY;
    }
    dispatch();
  }

  private String describe(Object monitor) {
    if (monitor instanceof Rec target) {
      return "thread " + target.id + " (\"" + target.thread.getName() + "\") to end";
    }
    return String.valueOf(monitor);
  }

  private void signalLocked(Object monitor) {
    for (Rec r : threads) {
      if (r.state == State.WAITING && r.monitor == monitor) {
        r.state = State.READY;
      }
    }
  }

  /** Waits, mutex held, until a decision gives {@code r} the GIL; then begins its tenure. */
  private void awaitGrant(Rec r) {
    long waitStart = Tracer.now();
    while (!r.granted) {
      if (blocked != null) {
        throw abandoned(r);
      }
      r.wake.awaitUninterruptibly();
    }
    r.granted = false;
    Tracer.span(SpanState.WAITING_FOR_GIL, waitStart);
    gil.beganTenure(r.thread);
    if (r.handOffMark != null) {
      Tracer.mark(GilTrace.GIL_HANDOFF, r.handOffMark);
      r.handOffMark = null;
    }
  }

  /** The first frame of user code on the calling thread's stack, as {@code File.java:line}. */
  private static String site() {
    return WALKER.walk(
        frames ->
            frames
                .filter(f -> !internal(f.getDeclaringClass()))
                .findFirst()
                .map(f -> f.getFileName() + ":" + f.getLineNumber())
                .orElse("(runtime)"));
  }

  private static boolean internal(Class<?> type) {
    return INTERNAL.get(type);
  }

  private static boolean isInternal(Class<?> type) {
    String name = type.getName();
    if (name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.")) {
      return true;
    }
    if (!name.startsWith("dev.baton.gil.") && !name.startsWith("dev.baton.core.")) {
      return false; // a caller's class, even when shaded into one jar with Baton's
    }
    CodeSource code = type.getProtectionDomain().getCodeSource();
    // a test class in Baton's own packages comes from another code source
    return code == null || same(code, GIL_CODE) || same(code, CORE_CODE);
  }

  private static boolean same(CodeSource a, CodeSource b) {
    return b != null && Objects.equals(a.getLocation(), b.getLocation());
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? NO_DEADLINE : sum;
  }
}
