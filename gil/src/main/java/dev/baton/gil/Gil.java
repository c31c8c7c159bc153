package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Guard;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;

/*
 * Design of the GIL.
 *
 * Exclusion. `holder` is the thread that holds the GIL, or null. A free GIL is taken by one CAS
 * (null -> me): no lock, no allocation, no queue. Everything that involves waiting is the policy's
 * (`sync`, chosen once at construction as ReentrantLock chooses its Sync): GilSync holds what both
 * policies share (the mutex, drop requests, the waiter count's pairing with release, recovery),
 * CpythonSync and FairSync what differs; each file's block comment is its design. Statistics, the
 * watchdog and JFR events are GilBookkeeping's. The GIL is not reentrant, as in CPython; ensure()
 * is the nesting form.
 *
 * The gate and checkpoints. A checkpoint is "between two bytecodes" (CPython's eval breaker). Its
 * fast path is one opaque load of `gate` compared with Thread.currentThread(): `gate` holds the
 * holder itself while nobody asked it to drop, so the holder passes when `gate == me`. A waiter that
 * wants the GIL CASes `gate` from the holder to DROP_REQUEST (CPython's gil_drop_request, folded
 * into the same word); the holder's next checkpoint then fails the comparison and takes the slow
 * path, which drops the GIL. A thread that does not hold the GIL never finds itself in `gate`, so
 * its checkpoint also takes the slow path, where it is reported (BatonMisuseException). The holder
 * reads `gate` with opaque loads: a drop request becomes visible within a few loop iterations, and
 * a stale value only delays the drop by one checkpoint. A third value, BREAK, sends the holder
 * through the slow path without a drop: the embedder raised an exception in it (raiseIn) or, for
 * the runtime's main thread, added a pending call; serviceBreak() handles both there and at the
 * end of every blocking section. A drop request may replace BREAK; the slow path then does both.
 *
 * Release. With no waiter, release clears the gate and `holder` and reads `waiters` again (the
 * Dekker pairing described in GilSync); only a release that sees a waiter enters the policy.
 */

/**
 * A global interpreter lock: at most one thread of a {@link GilRuntime} holds it at a time, it is
 * passed on periodically at {@link #checkpoint() checkpoints}, and released around blocking calls.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>{@link #acquire()} and {@link #release()} are called by the thread that takes or holds the
 *       GIL; they are not reentrant.
 *   <li>{@link #checkpoint()} is called by the holder, often (each loop iteration of long work).
 *       When no other thread waits it costs one opaque load. When a waiter has asked for the GIL
 *       (after one {@linkplain #switchInterval() switch interval}, or at once for a thread coming
 *       back from I/O under {@link GilPolicy#FAIR}), the holder drops it there and cannot take it
 *       back before a waiter has had it.
 *   <li>As in CPython 3.10 and later, a read-modify-write with no checkpoint inside it is never
 *       interrupted by another thread of the runtime, and one with a checkpoint inside it can lose
 *       updates: {@code int v = x; checkpoint(); x = v + 1;} may overwrite another thread's
 *       increment.
 *   <li>Every other method may be called from any thread.
 * </ul>
 *
 * <h2>Misuse</h2>
 *
 * <p>Releasing, checkpointing or {@link #check() checking} without holding the GIL, and acquiring
 * it twice, throw {@link BatonMisuseException}; acquiring it after its runtime was closed throws
 * {@link RejectedExecutionException}. A thread that ends while holding the GIL (through a raw
 * {@link #acquire()}) is detected by the next waiter, which takes the GIL back and logs a warning.
 *
 * <p>A GIL built off ({@link GilRuntime.Builder#gil(boolean)}, the free-threaded mode) does
 * nothing: acquire, release and checkpoints return at once and every thread counts as holding it.
 */
public final class Gil extends GilFields.GilPad3 implements Guard {
  /** Shortest switch interval accepted. */
  public static final Duration MIN_SWITCH_INTERVAL = Duration.ofNanos(1_000);

  /** Longest switch interval accepted. */
  public static final Duration MAX_SWITCH_INTERVAL = Duration.ofSeconds(10);

  /** Shortest and longest watchdog thresholds accepted. */
  static final Duration MIN_WATCHDOG = Duration.ofMillis(1);

  static final Duration MAX_WATCHDOG = Duration.ofHours(1);

  /** The value of {@code gate} when a drop is requested. */
  static final Object DROP_REQUEST = new GateSentinel("DROP_REQUEST");

  /**
   * The value of {@code gate} when the holder must take its checkpoints' slow path without
   * dropping: an exception was raised in it from outside ({@link #raiseIn}). A drop request may
   * replace it (the slow path then does both).
   */
  static final Object BREAK = new GateSentinel("BREAK");

  private static final VarHandle GATE;
  private static final VarHandle HOLDER;
  private static final VarHandle ACQUISITIONS;
  private static final VarHandle HELD;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      GATE = lookup.findVarHandle(GilFields.GilGateField.class, "gate", Object.class);
      HOLDER = lookup.findVarHandle(GilFields.GilHolderFields.class, "holder", Thread.class);
      ACQUISITIONS =
          lookup.findVarHandle(GilFields.GilHolderFields.class, "acquisitions", long.class);
      HELD = lookup.findVarHandle(GilFields.GilHolderFields.class, "heldNanos", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Writers synchronize on this; readers ({@link #current()}) read the array without a lock. */
  private static final Object LIVE_LOCK = new Object();

  /** The enabled GILs of open runtimes; copy-on-write. */
  private static volatile Gil[] live = new Gil[0];

  private final String name;
  private final GilPolicy policy;
  private final boolean enabled;

  /**
   * Whether every tenure is timed (two System.nanoTime() calls per acquire/release pair, on the
   * uncontended path too) for the hold totals and the held fraction; waits are always timed.
   */
  private final boolean holdTiming;

  /** The hand-off policy: every wait, hand-off and drop (see the class comment). */
  private final GilSync sync;

  /** Any thread writes (validated), waiters read at each wait. */
  private volatile long intervalNanos;

  /** 0 when off. Any thread writes, waiters read. */
  private volatile long watchdogNanos;

  /**
   * The runtime's main thread, which runs pending calls: the thread that built the runtime, as
   * CPython's main thread is the one that initialized the interpreter.
   */
  private final Thread mainThread = Thread.currentThread();

  /** Callbacks for the main thread's next checkpoint; any thread adds, the main thread polls. */
  private final ConcurrentLinkedQueue<Runnable> pendingCalls = new ConcurrentLinkedQueue<>();

  /** Whether the main thread is running pending calls now; confined to the main thread. */
  private boolean runningPendingCalls;

  /** Exceptions raised from outside, by target thread; any thread adds, the target removes. */
  private final ConcurrentHashMap<Thread, RuntimeException> pendingRaises =
      new ConcurrentHashMap<>();

  /** Set once by the runtime's close(); read by acquire(). */
  private volatile boolean closed;

  Gil(
      String name,
      GilPolicy policy,
      Duration switchInterval,
      boolean enabled,
      Duration watchdogThreshold,
      boolean holdTiming) {
    this(name, policy, switchInterval, enabled, watchdogThreshold, holdTiming, null);
  }

  /** As above; with a schedule, the schedule decides every hand-off (see DeterministicSync). */
  Gil(
      String name,
      GilPolicy policy,
      Duration switchInterval,
      boolean enabled,
      Duration watchdogThreshold,
      boolean holdTiming,
      GilSchedule schedule) {
    this.name = Objects.requireNonNull(name, "name");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.enabled = enabled;
    this.holdTiming = holdTiming;
    this.intervalNanos = validateInterval(switchInterval);
    this.watchdogNanos = watchdogThreshold == null ? 0 : validateWatchdog(watchdogThreshold);
    this.sync =
        schedule != null && enabled
            ? new DeterministicSync(this, schedule)
            : GilSync.of(this, policy);
    if (enabled) {
      synchronized (LIVE_LOCK) {
        Gil[] next = java.util.Arrays.copyOf(live, live.length + 1);
        next[next.length - 1] = this;
        live = next;
      }
    }
  }

  /**
   * @return the scheduler when the runtime was built with a {@link GilSchedule}, else null
   */
  DeterministicSync scheduler() {
    return sync instanceof DeterministicSync scheduled ? scheduled : null;
  }

  // ---------------------------------------------------------------- static entry points

  /**
   * The GIL the calling thread holds, among the GILs of open runtimes.
   *
   * <p>Cost: a scan of the open runtimes' GILs (a few loads each); meant for the entry of GIL-aware
   * calls, not for inner loops. A thread holding the GILs of several runtimes gets one of them.
   *
   * @return the GIL the calling thread holds, or null when it holds none (or only GILs that are
   *     off)
   */
  public static Gil current() {
    Thread me = Thread.currentThread();
    for (Gil gil : live) {
      if (gil.holder == me) {
        return gil;
      }
    }
    return null;
  }

  /**
   * A {@linkplain #checkpoint() checkpoint} of the GIL the calling thread holds; nothing when it
   * holds none. Every GIL-aware call starts with it.
   */
  public static void checkpointIfHeld() {
    Gil gil = current();
    if (gil != null) {
      gil.checkpoint();
    }
  }

  // ---------------------------------------------------------------- acquire / release

  /**
   * Takes the GIL, waiting as long as needed. Not interruptible, like CPython's {@code take_gil}:
   * an interrupt during the wait is kept in the thread's interrupt status.
   *
   * <p>This raw form installs no release-on-I/O handler: prefer {@link GilRuntime#ensure()} or a
   * runtime thread, which do.
   *
   * @throws BatonMisuseException if the calling thread holds this GIL already
   * @throws RejectedExecutionException if the runtime was closed
   */
  public void acquire() {
    Thread me = Thread.currentThread();
    if (closed) {
      throw GilRuntime.closed(name, me, "acquire the GIL");
    }
    if (!enabled) {
      return;
    }
    if (HOLDER.compareAndSet(this, null, me)) {
      began(me);
      return;
    }
    if (holder == me) {
      throw new BatonMisuseException(
          "thread \""
              + me.getName()
              + "\" acquired the GIL of runtime \""
              + name
              + "\" while already holding it; the GIL is not reentrant: use ensure(), which nests,"
              + " or release it first");
    }
    sync.acquireContended(me, false);
    armPendingRaise(me);
  }

  /**
   * Gives the GIL up: to the longest waiter ({@link GilPolicy#FAIR}) or to whichever waiter the
   * operating system wakes first ({@link GilPolicy#CPYTHON}, which returns once a waiter has it).
   *
   * @throws BatonMisuseException if the calling thread does not hold this GIL
   */
  public void release() {
    if (!enabled) {
      return;
    }
    Thread me = Thread.currentThread();
    if (holder != me) {
      throw notHeld(this, me, "released");
    }
    ended(me);
    releaseHeld();
  }

  /**
   * A point where the holder lets others have the GIL if one of them asked for it: the runtime's
   * "between two bytecodes". Costs one opaque load when no one asked.
   *
   * @throws BatonMisuseException if the calling thread does not hold this GIL
   */
  public void checkpoint() {
    // racy read, benign: a stale value only delays the drop by one checkpoint
    if (GATE.getOpaque(this) != Thread.currentThread()) {
      checkpointSlow();
    }
  }

  /**
   * Whether the holder's next {@linkplain #checkpoint() checkpoint} would do something (drop the
   * GIL for a waiter, or deliver a pending call or exception): one opaque load. For a holder that
   * must decide whether it may let the GIL go before it passes the checkpoint (baton-agent's, while
   * it may hold a lock of code that is not under the GIL).
   *
   * @return true when a checkpoint of the calling thread would not return at once
   */
  public boolean checkpointPending() {
    // racy read, benign: a stale value only delays the drop by one checkpoint
    return GATE.getOpaque(this) != Thread.currentThread() && enabled;
  }

  /**
   * The {@link Guard} check, which is also a {@linkplain #checkpoint() checkpoint}.
   *
   * @throws BatonMisuseException if the calling thread does not hold this GIL
   */
  @Override
  public void check() {
    checkpoint();
  }

  /**
   * The {@link Guard} ownership test without the checkpoint, for reference-count operations: one
   * plain read of the holder.
   *
   * @throws BatonMisuseException if the calling thread does not hold this GIL
   */
  @Override
  public void checkOwner() {
    // plain read, exact for this question: `holder` becomes or stops being the calling thread only
    // through that thread's own acquire, release or drop, or through a grant or turn that
    // happens-before the thread runs again
    if (HOLDER.get(this) != Thread.currentThread() && enabled) {
      throw notHeld(this, Thread.currentThread(), "touched an object guarded by");
    }
  }

  /**
   * @return whether the calling thread holds this GIL (always true for a GIL that is off)
   */
  @Override
  public boolean isHeldByCurrentThread() {
    return !enabled || holder == Thread.currentThread();
  }

  /**
   * @return the runtime's name
   */
  @Override
  public String name() {
    return name;
  }

  /**
   * @return the policy chosen at build time
   */
  public GilPolicy policy() {
    return policy;
  }

  /**
   * @return false for a free-threaded runtime, whose GIL does nothing
   */
  public boolean isEnabled() {
    return enabled;
  }

  /**
   * @return the thread holding the GIL now, or null; a racy snapshot, for diagnostics
   */
  public Thread holder() {
    return holder;
  }

  /**
   * @return how many threads wait for the GIL now; a racy snapshot, for diagnostics
   */
  public int waitingThreads() {
    return waiters;
  }

  /**
   * @return the switch interval: how long a waiter waits before it asks the holder to drop
   */
  public Duration switchInterval() {
    return Duration.ofNanos(intervalNanos);
  }

  /**
   * Changes the switch interval, like {@code sys.setswitchinterval}. Threads waiting now are woken
   * to measure their wait against the new value, so a shorter interval takes effect at once. Any
   * thread may call it at any time; it briefly takes the internal mutex (never the GIL).
   *
   * @param interval between {@link #MIN_SWITCH_INTERVAL} and {@link #MAX_SWITCH_INTERVAL}
   * @throws IllegalArgumentException if {@code interval} is outside that range
   * @throws NullPointerException if {@code interval} is null
   */
  public void setSwitchInterval(Duration interval) {
    intervalNanos = validateInterval(interval);
    sync.intervalChanged();
  }

  static long validateInterval(Duration interval) {
    Objects.requireNonNull(interval, "switchInterval");
    if (interval.compareTo(MIN_SWITCH_INTERVAL) < 0
        || interval.compareTo(MAX_SWITCH_INTERVAL) > 0) {
      throw new IllegalArgumentException(
          "switchInterval must be between "
              + MIN_SWITCH_INTERVAL
              + " and "
              + MAX_SWITCH_INTERVAL
              + " (CPython's default is 5 ms), was "
              + interval);
    }
    return interval.toNanos();
  }

  static long validateWatchdog(Duration threshold) {
    Objects.requireNonNull(threshold, "watchdogThreshold");
    if (threshold.compareTo(MIN_WATCHDOG) < 0 || threshold.compareTo(MAX_WATCHDOG) > 0) {
      throw new IllegalArgumentException(
          "watchdogThreshold must be between "
              + MIN_WATCHDOG
              + " and "
              + MAX_WATCHDOG
              + " (turn the watchdog off instead of making it huge), was "
              + threshold);
    }
    return threshold.toNanos();
  }

  // ---------------------------------------------------------------- runtime-internal entry points

  /** Blocking handler's enter(): releases the GIL if the caller holds it. */
  boolean releaseForBlocking() {
    if (!enabled || holder != Thread.currentThread()) {
      return false;
    }
    ended(Thread.currentThread());
    releaseHeld();
    return true;
  }

  /**
   * Blocking handler's exit(): takes the GIL back, uninterruptibly, as a thread coming back from a
   * blocking section (served first under FAIR). Works after close so threads can finish.
   */
  void acquireAfterBlocking() {
    acquireUnchecked(true);
  }

  /**
   * Takes the GIL with no closed or reentrancy check (runtime threads, blocking sections).
   *
   * @param comingBack whether the caller comes back from a blocking section (FAIR serves it first)
   */
  void acquireUnchecked(boolean comingBack) {
    if (!enabled) {
      return;
    }
    Thread me = Thread.currentThread();
    if (HOLDER.compareAndSet(this, null, me)) {
      began(me);
      return;
    }
    sync.acquireContended(me, comingBack);
    armPendingRaise(me);
  }

  /**
   * Turn-taking ({@link dev.baton.core.BlockingHandler#passTurn(Thread)}): the holder gives the GIL
   * straight to {@code next}, a thread that runs while the caller waits for it (an event loop's
   * task thread, or the loop's thread when a task step ends). Not a release: no waiter gets the GIL
   * in between, no tenure begins (a waiter's drop deadline runs on), and a pending drop request
   * stays pending for {@code next}. Does nothing when the caller does not hold the GIL.
   *
   * @return whether the GIL moved
   */
  boolean transferTo(Thread next) {
    Thread me = Thread.currentThread();
    if (!enabled || holder != me || next == me) {
      return false;
    }
    ended(me);
    holderStats = sync.books.statsFor(next);
    if (holdTiming) {
      holdStartNanos = System.nanoTime();
    }
    traceStartNanos = Tracer.now();
    holder = next;
    // fails only when the gate holds a drop request or a break: it then stays, for next
    GATE.compareAndSet(this, me, next);
    return true;
  }

  /** {@code sleep(0)}: lets a waiter run first, if any waits; the caller holds the GIL. */
  void yieldToWaiters() {
    if (!enabled) {
      return;
    }
    Thread me = Thread.currentThread();
    if (holder != me) {
      throw notHeld(this, me, "yielded");
    }
    if (waiters > 0) {
      sync.switchAway(me, false);
    }
  }

  /** Interpreter shutdown: refuse new acquisitions; forget this GIL in {@link #current()}. */
  void close() {
    closed = true;
    synchronized (LIVE_LOCK) {
      List<Gil> rest = new ArrayList<>(List.of(live));
      rest.remove(this);
      live = rest.toArray(new Gil[0]);
    }
  }

  boolean isClosed() {
    return closed;
  }

  /**
   * @return the watchdog threshold, or null when the watchdog is off
   */
  public Duration watchdogThreshold() {
    long nanos = watchdogNanos;
    return nanos == 0 ? null : Duration.ofNanos(nanos);
  }

  // ---------------------------------------------------------------- tenure bookkeeping

  /** A tenure taken by CAS; the caller is the new holder. */
  void began(Thread me) {
    acquisitions++;
    beganTenure(me);
    GATE.setOpaque(this, me);
  }

  /** Holder-only: per-thread record and hold clock. */
  ThreadStats beganTenure(Thread me) {
    ThreadStats stats = tenureStats(me);
    if (holdTiming) {
      holdStartNanos = System.nanoTime();
    }
    traceStartNanos = Tracer.now();
    return stats;
  }

  /** Holder-only, as {@link #beganTenure(Thread)}, with the clock read the caller already made. */
  ThreadStats beganTenure(Thread me, long now) {
    ThreadStats stats = tenureStats(me);
    if (holdTiming) {
      holdStartNanos = now;
    }
    traceStartNanos = Tracer.at(now);
    return stats;
  }

  private ThreadStats tenureStats(Thread me) {
    ThreadStats stats = holderStats;
    if (stats == null || stats.thread != me) {
      stats = sync.books.statsFor(me);
      holderStats = stats;
    }
    stats.acquired();
    return stats;
  }

  /** Holder-only, before giving the GIL up. */
  void ended(Thread me) {
    if (!holdTiming) {
      Tracer.span(SpanState.RUNNING, traceStartNanos); // a branch while tracing is off
      return;
    }
    long now = System.nanoTime();
    Tracer.span(SpanState.RUNNING, traceStartNanos, now, null); // the hold clock's read, shared
    long held = now - holdStartNanos;
    HELD.setOpaque(this, heldNanos + held);
    ThreadStats stats = holderStats;
    if (stats != null && stats.thread == me) {
      stats.held(held);
    }
  }

  /** Racy read of the holder's clock, benign: how long the holder has held, 0 when untimed. */
  long heldForApprox(long now) {
    return holdTiming ? Math.max(0, now - holdStartNanos) : 0;
  }

  // ---------------------------------------------------------------- accessors for the policy

  Object gateOpaque() {
    return GATE.getOpaque(this);
  }

  void setGateOpaque(Object value) {
    GATE.setOpaque(this, value);
  }

  boolean casGate(Object expected, Object value) {
    return GATE.compareAndSet(this, expected, value);
  }

  boolean casHolder(Thread expected, Thread value) {
    return HOLDER.compareAndSet(this, expected, value);
  }

  long acquisitionsOpaque() {
    return (long) ACQUISITIONS.getOpaque(this);
  }

  long intervalNanos() {
    return intervalNanos;
  }

  /** The policy's synchronizer; this package's tests stage its races through its mutex. */
  GilSync sync() {
    return sync;
  }

  long watchdogNanos() {
    return watchdogNanos;
  }

  // ---------------------------------------------------------------- slow paths

  private void releaseHeld() {
    if (waiters != 0) {
      sync.releaseToWaiters(Thread.currentThread());
      return;
    }
    GATE.setOpaque(this, null);
    holder = null;
    if (waiters != 0) {
      sync.releasedBeforeLateWaiter(Thread.currentThread());
    }
  }

  private void checkpointSlow() {
    if (!enabled) {
      return;
    }
    Thread me = Thread.currentThread();
    if (holder != me) {
      throw notHeld(this, me, "passed a checkpoint of");
    }
    Object gate = GATE.getOpaque(this);
    if (gate == DROP_REQUEST) {
      sync.switchAway(me, true);
    } else if (gate == BREAK) {
      GATE.compareAndSet(this, BREAK, me); // fails only if a drop request replaced it: next time
    }
    serviceBreak(me);
  }

  // ---------------------------------------------------------------- exceptions raised from outside

  /**
   * Makes {@code target} throw {@code exception} at its next checkpoint of this GIL, or when its
   * current blocking section under this GIL ends (see {@link GilRuntime#raiseInThread}). A later
   * call for the same thread replaces an exception not yet thrown.
   */
  void raiseIn(Thread target, RuntimeException exception) {
    pendingRaises.put(target, exception);
    // a holder passing checkpoints takes the slow path at the next one; a thread that does not
    // hold the GIL finds the exception when it takes the GIL back (serviceBreak)
    GATE.compareAndSet(this, target, BREAK);
  }

  /**
   * Runs {@code call} on the runtime's main thread at its next checkpoint, or when its current
   * blocking section ends (see {@link GilRuntime#addPendingCall}).
   */
  void addPendingCall(Runnable call) {
    pendingCalls.offer(call);
    GATE.compareAndSet(this, mainThread, BREAK);
  }

  /** The caller just took the GIL after a wait: its next checkpoint serves what is pending. */
  private void armPendingRaise(Thread me) {
    if ((!pendingRaises.isEmpty() && pendingRaises.containsKey(me))
        || (me == mainThread && !pendingCalls.isEmpty())) {
      GATE.compareAndSet(this, me, BREAK);
    }
  }

  /**
   * The caller holds the GIL, at a checkpoint's slow path or at the end of a blocking section: the
   * main thread runs the pending calls (in order; one that throws stops the others, which stay
   * queued), then the exception raised in the caller from outside, if any, is thrown.
   */
  void serviceBreak(Thread me) {
    if (me == mainThread && !runningPendingCalls) {
      runningPendingCalls = true;
      try {
        Runnable call;
        while ((call = pendingCalls.poll()) != null) {
          call.run();
        }
      } finally {
        runningPendingCalls = false;
      }
    }
    if (pendingRaises.isEmpty()) {
      return;
    }
    RuntimeException pending = pendingRaises.remove(me);
    if (pending != null) {
      throw pending;
    }
  }

  // ---------------------------------------------------------------- statistics

  /**
   * A snapshot of this GIL's statistics; any thread may call it. Briefly takes the internal mutex
   * (never the GIL).
   *
   * @return the statistics since the GIL was created
   */
  public GilStats stats() {
    sync.mutex.lock();
    try {
      return sync.books.snapshot(holdTiming, holdStartNanos, (long) HELD.getOpaque(this));
    } finally {
      sync.mutex.unlock();
    }
  }

  @Override
  public String toString() {
    Thread current = holder;
    return "Gil["
        + name
        + ", "
        + policy
        + (enabled ? "" : ", off")
        + ", holder="
        + (current == null ? "none" : "\"" + current.getName() + "\"")
        + "]";
  }

  private static final class GateSentinel {
    private final String name;

    GateSentinel(String name) {
      this.name = name;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /** The misuse of a thread that {@code action} a GIL it does not hold. */
  static BatonMisuseException notHeld(Gil gil, Thread thread, String action) {
    return new BatonMisuseException(
        "thread \""
            + thread.getName()
            + "\" "
            + action
            + " the GIL of runtime \""
            + gil.name()
            + "\" but does not hold it; hold it first (run on one of the runtime's threads, call"
            + " ensure(), or acquire() it)");
  }
}
