package dev.baton.gil;

import dev.baton.core.Guard;
import dev.baton.core.jfr.DropRequestEvent;
import dev.baton.core.jfr.GilHandoffEvent;
import dev.baton.core.jfr.GilWaitEvent;
import dev.baton.core.trace.MarkKind;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design of the GIL.
 *
 * Exclusion. `holder` is the thread that holds the GIL, or null. A free GIL is taken by one CAS
 * (null -> me): no lock, no allocation, no queue. Everything that involves waiting happens under
 * `mutex`, a plain ReentrantLock playing the part of ceval_gil.c's gil->mutex, with conditions for
 * the sleeping threads. The GIL is not reentrant, as in CPython; ensure() is the nesting form.
 *
 * The gate and checkpoints. A checkpoint is "between two bytecodes" (CPython's eval breaker). Its
 * fast path is one opaque load of `gate` compared with Thread.currentThread(): `gate` holds the
 * holder itself while nobody asked it to drop, so the holder passes when `gate == me`. A waiter that
 * wants the GIL CASes `gate` from the holder to DROP_REQUEST (CPython's gil_drop_request, folded
 * into the same word); the holder's next checkpoint then fails the comparison and takes the slow
 * path, which drops the GIL. A thread that does not hold the GIL never finds itself in `gate`, so
 * its checkpoint also takes the slow path, where it is reported (GilNotHeldException). The holder
 * reads `gate` with opaque loads: a drop request becomes visible within a few loop iterations, and
 * a stale value only delays the drop by one checkpoint.
 *
 * Drop requests [1]. A waiter sleeps at most one switch interval. If it wakes with the GIL still
 * held and no tenure begun since it started sleeping (`acquisitions`, ceval_gil.c's switch_number,
 * unchanged), it sets the drop request. So a holder that runs checkpoints keeps the GIL at most
 * about one interval while others wait.
 *
 * Forced switching [1]. After a requested drop the dropping thread must not take the GIL back
 * before a waiter has it; otherwise a CPU-bound thread re-takes it at once and waiters starve (the
 * problem Beazley measured in the old GIL [2]). CPYTHON does what ceval_gil.c does with
 * FORCE_SWITCHING: the dropper waits on `switched` until `acquisitions` moves. FAIR gets it for
 * free: the dropper hands the GIL to the next waiter directly and queues behind the others.
 *
 * Policies.
 *   CPYTHON. Release sets holder = null and signals one waiter (`released`); whichever thread CASes
 *   first wins, which is the operating system's choice, as with CPython's mutex and condition. A
 *   thread coming back from a blocking call is an ordinary waiter: behind a CPU-bound holder it
 *   waits a whole interval, then the holder drops, it runs, blocks again, and pays another interval
 *   on the next return. That is the convoy effect of bpo-7946 [3]: an I/O thread beside one CPU
 *   thread manages about one I/O operation per interval.
 *   FAIR. Waiters queue (FIFO) and the releaser hands the GIL to the head directly (holder := head,
 *   gate := head, then signal it), so no one barges past the queue. Threads coming back from a
 *   blocking section queue in `returning`, which is served before `queue`, and set the drop request
 *   at once: they get the GIL at the holder's next checkpoint. A thread that drops on request goes
 *   to the tail of `queue`, so a CPU-bound thread that held one interval while others waited always
 *   yields, and I/O threads, which soon block again, cannot starve it either.
 *   Two refinements keep hand-offs in microseconds even on a loaded machine, where a parked
 *   thread may wait milliseconds for a CPU: a FAIR waiter spins (without the mutex) for up to
 *   SPIN_NANOS before it parks, so a grant that comes soon is picked up at once; and a thread
 *   coming back from I/O may take over a grant still in flight (`inFlight`: granted, grantee not
 *   yet awake) if that grantee has waited less than one interval; the grantee keeps its place at
 *   the head of its queue, and after one interval of waiting it can no longer be overtaken. This is the remedy
 *   proposed in [3] (priority for I/O-bound threads) bounded by FIFO order, in the spirit of Ruby's
 *   GVL hand-off.
 *
 * Waking. A waiter increments `waiters` under the mutex before its last CAS; a releaser clears
 * `holder` (volatile) before reading `waiters` (volatile): one of them sees the other, so a release
 * never misses a waiter and an uncontended release never takes the mutex.
 *
 * Watchdog and recovery. Waiters wake once per interval, so they also watch the holder: a holder
 * that has ignored a drop request for longer than the watchdog threshold (it has not passed a
 * checkpoint since) is reported once per tenure, with its stack; a holder that is no longer alive
 * (it ended while holding the GIL through a raw acquire()) is replaced and the event logged. No
 * extra thread, and nothing on the holder's path.
 *
 * References.
 *  [1] CPython, Python/ceval_gil.c (3.2+), and Antoine Pitrou's "new GIL" (bpo-7753).
 *  [2] David Beazley, "Understanding the Python GIL" (PyCon 2010).
 *  [3] David Beazley, "The Python GIL: convoy effect", bpo-7946 (2010).
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
 * <p>Releasing, checkpointing or {@link #check() checking} without holding the GIL throws {@link
 * GilNotHeldException}; acquiring it twice throws {@link GilAlreadyHeldException}; acquiring it
 * after its runtime was closed throws {@link GilRuntimeClosedException}. A thread that ends while
 * holding the GIL (through a raw {@link #acquire()}) is detected by the next waiter, which takes
 * the GIL back and logs a warning.
 *
 * <p>A GIL built off ({@link GilRuntime.Builder#gil(boolean)}, the free-threaded mode) does
 * nothing: acquire, release and checkpoints return at once and every thread counts as holding it.
 */
public final class Gil extends GilFields.GilPad3 implements Guard {
  private static final Logger LOG = LoggerFactory.getLogger(Gil.class);

  /** Shortest switch interval accepted. */
  public static final Duration MIN_SWITCH_INTERVAL = Duration.ofNanos(1_000);

  /** Longest switch interval accepted. */
  public static final Duration MAX_SWITCH_INTERVAL = Duration.ofSeconds(10);

  /** Shortest and longest watchdog thresholds accepted. */
  static final Duration MIN_WATCHDOG = Duration.ofMillis(1);

  static final Duration MAX_WATCHDOG = Duration.ofHours(1);

  /**
   * FAIR: how long a waiter spins (without the mutex) for its grant before it parks. Hand-offs to
   * and from a thread coming back from I/O take microseconds; a parked waiter would add the
   * operating system's wake-up latency to each of them (milliseconds on a loaded machine).
   */
  private static final long SPIN_NANOS = 50_000;

  /** Wait before retrying a drop request that did not land (the holder was mid-acquire). */
  private static final long RETRY_NANOS = 50_000;

  /** Least spacing of watchdog log lines, per GIL. */
  private static final long WARN_SPACING_NANOS = 10_000_000_000L;

  /** Bound on per-thread records; later threads share one record. */
  private static final int MAX_THREAD_RECORDS = 1024;

  /** The value of {@code gate} when a drop is requested. */
  private static final Object DROP_REQUEST = new DropRequest();

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

  private final long createdNanos = System.nanoTime();

  /** Any thread writes (validated), waiters read at each wait. */
  private volatile long intervalNanos;

  /** 0 when off. Any thread writes, waiters read. */
  private volatile long watchdogNanos;

  /** Set once by the runtime's close(); read by acquire(). */
  private volatile boolean closed;

  /** Guards every field below that says so, the queues, and all sleeping. */
  private final ReentrantLock mutex = new ReentrantLock();

  /** CPYTHON: waiters sleep here (ceval_gil.c's gil->cond). */
  private final Condition released = mutex.newCondition();

  /** CPYTHON: a dropping holder sleeps here until another thread took the GIL (switch_cond). */
  private final Condition switched = mutex.newCondition();

  /** FAIR: threads coming back from a blocking section, served first. Guarded by mutex. */
  private final ArrayDeque<Waiter> returning = new ArrayDeque<>();

  /** FAIR: every other waiter. Guarded by mutex. */
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  /**
   * FAIR: the waiter granted the GIL that has not woken up yet, or null. Guarded by mutex. A thread
   * coming back from I/O may take such a grant over (see awaitFair) instead of waiting for the
   * grantee to wake, run to a checkpoint and hand the GIL on.
   */
  private Waiter inFlight;

  // Statistics and watchdog state, guarded by mutex.
  private long handOffs;
  private long dropRequests;
  private long forcedSwitches;
  private long watchdogWarnings;
  private long recoveries;
  private final WaitHistogram waitTimes = new WaitHistogram();
  private long tenureStartNanos;
  private long contendedSinceNanos;
  private long contendedNanos;
  private long dropRequestedAtNanos;
  private long dropRequestTenure = -1;
  private long warnedTenure = -1;
  private long lastWarnNanos;
  // Who last released or granted the GIL to waiters, and when; guarded by mutex, read only for
  // the hand-off JFR event.
  private Thread releasedBy;
  private long releasedAtNanos;

  private final ConcurrentHashMap<Thread, ThreadStats> threadStats = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<ThreadStats> threadOrder = new ConcurrentLinkedQueue<>();
  private final ThreadStats overflowStats;

  Gil(
      String name,
      GilPolicy policy,
      Duration switchInterval,
      boolean enabled,
      Duration watchdogThreshold,
      boolean holdTiming) {
    this.name = Objects.requireNonNull(name, "name");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.enabled = enabled;
    this.holdTiming = holdTiming;
    this.intervalNanos = validateInterval(switchInterval);
    this.watchdogNanos = watchdogThreshold == null ? 0 : validateWatchdog(watchdogThreshold);
    this.overflowStats = new ThreadStats(Thread.currentThread(), "(other threads)");
    if (enabled) {
      synchronized (LIVE_LOCK) {
        Gil[] next = java.util.Arrays.copyOf(live, live.length + 1);
        next[next.length - 1] = this;
        live = next;
      }
    }
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
   * @throws GilAlreadyHeldException if the calling thread holds this GIL already
   * @throws GilRuntimeClosedException if the runtime was closed
   */
  public void acquire() {
    Thread me = Thread.currentThread();
    if (closed) {
      throw GilRuntimeClosedException.of(name, me, "acquire the GIL");
    }
    if (!enabled) {
      return;
    }
    if (HOLDER.compareAndSet(this, null, me)) {
      began(me);
      return;
    }
    if (holder == me) {
      throw GilAlreadyHeldException.of(this, me);
    }
    acquireContended(me, false);
  }

  /**
   * Gives the GIL up: to the longest waiter ({@link GilPolicy#FAIR}) or to whichever waiter the
   * operating system wakes first ({@link GilPolicy#CPYTHON}).
   *
   * @throws GilNotHeldException if the calling thread does not hold this GIL
   */
  public void release() {
    if (!enabled) {
      return;
    }
    Thread me = Thread.currentThread();
    if (holder != me) {
      throw GilNotHeldException.of(this, me, "released");
    }
    ended(me);
    releaseHeld();
  }

  /**
   * A point where the holder lets others have the GIL if one of them asked for it: the runtime's
   * "between two bytecodes". Costs one opaque load when no one asked.
   *
   * @throws GilNotHeldException if the calling thread does not hold this GIL
   */
  public void checkpoint() {
    // racy read, benign: a stale value only delays the drop by one checkpoint
    if (GATE.getOpaque(this) != Thread.currentThread()) {
      checkpointSlow();
    }
  }

  /**
   * The {@link Guard} check, which is also a {@linkplain #checkpoint() checkpoint}.
   *
   * @throws GilNotHeldException if the calling thread does not hold this GIL
   */
  @Override
  public void check() {
    checkpoint();
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
   * Changes the switch interval, like {@code sys.setswitchinterval}; waiters use the new value from
   * their next wait. Any thread may call it at any time.
   *
   * @param interval between {@link #MIN_SWITCH_INTERVAL} and {@link #MAX_SWITCH_INTERVAL}
   * @throws IllegalArgumentException if {@code interval} is outside that range
   * @throws NullPointerException if {@code interval} is null
   */
  public void setSwitchInterval(Duration interval) {
    intervalNanos = validateInterval(interval);
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
    acquireContended(me, comingBack);
  }

  /** {@code sleep(0)}: lets a waiter run first, if any waits; the caller holds the GIL. */
  void yieldToWaiters() {
    if (!enabled) {
      return;
    }
    Thread me = Thread.currentThread();
    if (holder != me) {
      throw GilNotHeldException.of(this, me, "yielded");
    }
    if (waiters > 0) {
      switchAway(me, false);
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
  private void began(Thread me) {
    acquisitions++;
    beganTenure(me);
    GATE.setOpaque(this, me);
  }

  /** Holder-only: per-thread record and hold clock. */
  private ThreadStats beganTenure(Thread me) {
    ThreadStats stats = tenureStats(me);
    if (holdTiming) {
      holdStartNanos = System.nanoTime();
    }
    traceStartNanos = Tracer.now();
    return stats;
  }

  /** Holder-only, as {@link #beganTenure(Thread)}, with the clock read the caller already made. */
  private ThreadStats beganTenure(Thread me, long now) {
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
      stats = statsFor(me);
      holderStats = stats;
    }
    stats.acquired();
    return stats;
  }

  /** Holder-only, before giving the GIL up. */
  private void ended(Thread me) {
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

  private ThreadStats statsFor(Thread thread) {
    ThreadStats stats = threadStats.get(thread);
    if (stats != null) {
      return stats;
    }
    if (threadStats.size() >= MAX_THREAD_RECORDS) {
      return overflowStats;
    }
    stats = new ThreadStats(thread, thread.getName());
    ThreadStats raced = threadStats.putIfAbsent(thread, stats);
    if (raced != null) {
      return raced;
    }
    threadOrder.add(stats);
    return stats;
  }

  private long acquisitionsOpaque() {
    return (long) ACQUISITIONS.getOpaque(this);
  }

  // ---------------------------------------------------------------- slow paths

  private void releaseHeld() {
    if (policy == GilPolicy.FAIR) {
      if (waiters == 0) {
        GATE.setOpaque(this, null);
        holder = null;
        if (waiters == 0) {
          return;
        }
        mutex.lock();
        try {
          if (holder == null) {
            handOffFromFree();
          }
        } finally {
          mutex.unlock();
        }
        return;
      }
      mutex.lock();
      try {
        if (!handOffNext()) {
          GATE.setOpaque(this, null);
          holder = null;
        }
      } finally {
        mutex.unlock();
      }
    } else {
      GATE.setOpaque(this, null);
      holder = null;
      if (waiters != 0) {
        mutex.lock();
        try {
          noteRelease(Thread.currentThread());
          released.signal();
        } finally {
          mutex.unlock();
        }
      }
    }
  }

  private void checkpointSlow() {
    if (!enabled) {
      return;
    }
    Thread me = Thread.currentThread();
    if (holder != me) {
      throw GilNotHeldException.of(this, me, "passed a checkpoint of");
    }
    if (GATE.getOpaque(this) == DROP_REQUEST) {
      switchAway(me, true);
    }
  }

  /**
   * The holder lets a waiter have the GIL and waits for its next turn (forced switching). The
   * caller holds the GIL.
   *
   * @param requested whether a drop request caused it (else sleep(0))
   */
  private void switchAway(Thread me, boolean requested) {
    if (policy == GilPolicy.FAIR) {
      switchAwayFair(me, requested);
    } else {
      switchAwayCpython(me);
    }
  }

  private void switchAwayFair(Thread me, boolean requested) {
    boolean interrupted = false;
    mutex.lock();
    try {
      if (returning.isEmpty() && queue.isEmpty()) {
        // a stale request (its waiter was served meanwhile): cancel it and carry on
        GATE.setOpaque(this, me);
        return;
      }
      long start = System.nanoTime();
      ended(me);
      handOffNext();
      if (requested) {
        forcedSwitches++;
        Tracer.mark(MarkKind.FORCED_SWITCH, null);
      }
      waitersInc();
      interrupted = awaitFair(me, false, start);
    } finally {
      mutex.unlock();
    }
    if (interrupted) {
      me.interrupt();
    }
  }

  private void switchAwayCpython(Thread me) {
    long seen = acquisitions;
    ended(me);
    long waitStart = Tracer.now();
    GATE.setOpaque(this, null);
    holder = null;
    boolean interrupted = false;
    mutex.lock();
    try {
      if (waiters > 0) {
        noteRelease(me);
        released.signal();
      }
      // FORCE_SWITCHING: do not compete before someone else had the GIL
      while (acquisitionsOpaque() == seen && waiters > 0) {
        try {
          switched.awaitNanos(intervalNanos);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (acquisitionsOpaque() != seen) {
        forcedSwitches++;
        Tracer.mark(MarkKind.FORCED_SWITCH, null);
      }
    } finally {
      mutex.unlock();
    }
    Tracer.span(SpanState.WAITING_FOR_GIL, waitStart); // the forced-switch wait
    if (HOLDER.compareAndSet(this, null, me)) {
      began(me);
    } else {
      acquireContended(me, false);
    }
    if (interrupted) {
      me.interrupt();
    }
  }

  /** Waits for the GIL; returns holding it. Keeps an interrupt in the thread's status. */
  private void acquireContended(Thread me, boolean comingBack) {
    boolean interrupted = false;
    mutex.lock();
    try {
      long start = System.nanoTime();
      waitersInc();
      if (HOLDER.compareAndSet(this, null, me)) {
        waitersDec();
        began(me);
        tenureStartNanos = System.nanoTime();
        return;
      }
      if (policy == GilPolicy.FAIR && comingBack && takeOverInFlightGrant(me, start)) {
        return;
      }
      interrupted =
          policy == GilPolicy.FAIR ? awaitFair(me, comingBack, start) : awaitCpython(me, start);
    } finally {
      mutex.unlock();
    }
    if (interrupted) {
      me.interrupt();
    }
  }

  /**
   * FAIR wait, mutex held, {@code waiters} already counts the caller: queue, ask for the GIL after
   * one interval (at once when coming back from a blocking section), and return when granted.
   *
   * @return whether the thread was interrupted while waiting
   */
  private boolean awaitFair(Thread me, boolean comingBack, long start) {
    GilWaitEvent waitEvent = new GilWaitEvent();
    waitEvent.begin();
    Thread heldBy = holder;
    Waiter waiter = new Waiter(me, mutex.newCondition(), comingBack, start);
    (comingBack ? returning : queue).addLast(waiter);
    boolean interrupted = false;
    long seen = acquisitionsOpaque();
    long deadline = start + intervalNanos;
    if (comingBack) {
      Thread current = holder;
      if (current != null && !requestDrop(current)) {
        deadline = start + RETRY_NANOS;
      }
    }
    long spinUntil = start + SPIN_NANOS;
    while (!waiter.granted) {
      long now = System.nanoTime();
      long left = deadline - now;
      if (left > 0 && now < spinUntil) {
        mutex.unlock();
        try {
          while (!waiter.granted && System.nanoTime() < spinUntil) {
            Thread.onSpinWait();
          }
        } finally {
          mutex.lock();
        }
        continue;
      }
      if (left > 0) {
        try {
          waiter.wake.awaitNanos(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
        continue;
      }
      long tenure = acquisitionsOpaque();
      if (!comingBack && tenure != seen) {
        // a hand-off happened meanwhile: the new tenure gets its whole interval
        seen = tenure;
        long tenureDeadline = tenureStartNanos + intervalNanos;
        if (tenureDeadline - System.nanoTime() > 0) {
          deadline = tenureDeadline;
          continue;
        }
      }
      boolean landed = periodElapsed(seen, true);
      seen = acquisitionsOpaque();
      deadline = System.nanoTime() + (landed ? intervalNanos : RETRY_NANOS);
    }
    if (inFlight == waiter) {
      inFlight = null;
    }
    long now = System.nanoTime();
    beganTenure(me, now).waited(now - start);
    waitTimes.record(now - start);
    waited(me, start, now, waitEvent, heldBy);
    return interrupted;
  }

  /**
   * FAIR, mutex held, {@code waiters} counts the caller, which comes back from a blocking section:
   * when the GIL was granted to a waiter that has not woken up yet, and that waiter has waited less
   * than one interval, the caller takes the GIL now and the grantee goes back to the head of its
   * queue, keeping its turn. This saves the I/O thread two wake-ups (the grantee's and its own);
   * the bound on the grantee's wait keeps CPU-bound threads from starving.
   *
   * @return whether the caller now holds the GIL
   */
  private boolean takeOverInFlightGrant(Thread me, long start) {
    Waiter grantee = inFlight;
    if (grantee == null || holder != grantee.thread || start - grantee.since >= intervalNanos) {
      return false;
    }
    grantee.granted = false;
    (grantee.comingBack ? returning : queue).addFirst(grantee);
    inFlight = null;
    holder = me;
    acquisitions++;
    tenureStartNanos = System.nanoTime();
    GATE.setOpaque(this, me);
    // the caller stops waiting, the grantee waits again: the count is unchanged
    beganTenure(me);
    waitTimes.record(tenureStartNanos - start);
    return true;
  }

  /**
   * CPYTHON wait (take_gil), mutex held, {@code waiters} already counts the caller.
   *
   * @return whether the thread was interrupted while waiting
   */
  private boolean awaitCpython(Thread me, long start) {
    GilWaitEvent waitEvent = new GilWaitEvent();
    waitEvent.begin();
    Thread heldBy = holder;
    boolean interrupted = false;
    while (!HOLDER.compareAndSet(this, null, me)) {
      long seen = acquisitionsOpaque();
      long left;
      try {
        left = released.awaitNanos(intervalNanos);
      } catch (InterruptedException e) {
        interrupted = true;
        continue;
      }
      if (left <= 0) {
        periodElapsed(seen, false);
      }
    }
    waitersDec();
    acquisitions++;
    handOffs++;
    long now = System.nanoTime();
    beganTenure(me, now).waited(now - start);
    GATE.setOpaque(this, me);
    waitTimes.record(now - start);
    switched.signalAll();
    waited(me, start, now, waitEvent, heldBy);
    return interrupted;
  }

  /**
   * A waiter slept a whole period without getting the GIL (mutex held): recover a dead holder,
   * report a stalled one, and ask for a drop if no tenure began meanwhile (or {@code always}).
   *
   * @return false when a drop request should be retried soon (it did not land)
   */
  private boolean periodElapsed(long seen, boolean always) {
    Thread current = holder;
    if (current == null) {
      if (policy == GilPolicy.FAIR) {
        handOffFromFree();
      }
      return true;
    }
    if (!current.isAlive()) {
      recover(current);
      return true;
    }
    watchdog(current);
    if (always || acquisitionsOpaque() == seen) {
      return requestDrop(current);
    }
    return true;
  }

  /** Mutex held. @return whether a drop request is now pending on {@code current}'s tenure */
  private boolean requestDrop(Thread current) {
    Object gate = GATE.getOpaque(this);
    if (gate == DROP_REQUEST) {
      return true;
    }
    if (gate == current && GATE.compareAndSet(this, current, DROP_REQUEST)) {
      dropRequests++;
      dropRequestedAtNanos = System.nanoTime();
      dropRequestTenure = acquisitionsOpaque();
      Tracer.mark(MarkKind.DROP_REQUEST, current.getName());
      DropRequestEvent event = new DropRequestEvent();
      if (event.shouldCommit()) {
        event.runtime = name;
        event.requester = Thread.currentThread().getName();
        event.holder = current.getName();
        // racy read of the holder's clock, benign: an approximate figure for the event
        event.heldFor = holdTiming ? Math.max(0, dropRequestedAtNanos - holdStartNanos) : 0;
        event.commit();
      }
      return true;
    }
    return false;
  }

  /** Mutex held: report a holder that has ignored a drop request past the threshold. */
  private void watchdog(Thread current) {
    long threshold = watchdogNanos;
    if (threshold == 0 || GATE.getOpaque(this) != DROP_REQUEST) {
      return;
    }
    long tenure = acquisitionsOpaque();
    if (tenure != dropRequestTenure || tenure == warnedTenure) {
      return;
    }
    long now = System.nanoTime();
    if (now - dropRequestedAtNanos < threshold) {
      return;
    }
    warnedTenure = tenure;
    watchdogWarnings++;
    if (lastWarnNanos != 0 && now - lastWarnNanos < WARN_SPACING_NANOS) {
      return;
    }
    lastWarnNanos = now;
    if (LOG.isWarnEnabled()) {
      HolderStack stack = new HolderStack(current);
      boolean grantedNotAwake = inFlight != null && inFlight.thread == current;
      if (!grantedNotAwake && takingAGil(stack.getStackTrace())) {
        LOG.warn(
            "thread \"{}\" holds the GIL of runtime \"{}\" and is itself waiting to take a GIL"
                + " (another runtime's, taken raw while holding this one), while {} thread(s)"
                + " wait for it: a lock-order deadlock if that GIL's holder waits for this one."
                + " Enter another runtime through its ensure(), which releases this GIL first."
                + " Further warnings for {} s are only counted in stats().",
            current.getName(),
            name,
            waiters,
            WARN_SPACING_NANOS / 1_000_000_000L,
            stack);
        return;
      }
      LOG.warn(
          "thread \"{}\" holds the GIL of runtime \"{}\" and has not reached a checkpoint for"
              + " {} ms since it was asked to drop it, while {} thread(s) wait; add checkpoint()"
              + " calls to long loops or run blocking calls through the runtime (GilThreads,"
              + " Blocking). Further warnings for {} s are only counted in stats().",
          current.getName(),
          name,
          (now - dropRequestedAtNanos) / 1_000_000,
          waiters,
          WARN_SPACING_NANOS / 1_000_000_000L,
          stack);
    }
  }

  /** Whether a stack is that of a thread inside one of this class's acquire methods. */
  private static boolean takingAGil(StackTraceElement[] stack) {
    String gilClass = Gil.class.getName();
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().startsWith(gilClass)
          && (frame.getClassName().length() == gilClass.length()
              || frame.getClassName().charAt(gilClass.length()) == '$')
          && frame.getMethodName().startsWith("acquire")) {
        return true;
      }
    }
    return false;
  }

  /** Mutex held: the holder ended without releasing; take the GIL back from it. */
  private void recover(Thread dead) {
    if (!HOLDER.compareAndSet(this, dead, null)) {
      return;
    }
    GATE.setOpaque(this, null);
    recoveries++;
    LOG.warn(
        "thread \"{}\" ended while holding the GIL of runtime \"{}\"; the GIL was taken back."
            + " Release it before the thread ends (use ensure() or a runtime thread, which do)",
        dead.getName(),
        name);
    if (policy == GilPolicy.FAIR) {
      handOffFromFree();
    } else {
      released.signalAll();
    }
  }

  /** FAIR, mutex held, caller holds or is giving up the GIL: grant it to the next waiter. */
  private boolean handOffNext() {
    Waiter next = returning.pollFirst();
    if (next == null) {
      next = queue.pollFirst();
    }
    if (next == null) {
      return false;
    }
    holder = next.thread;
    grant(next);
    return true;
  }

  /** FAIR, mutex held, GIL seen free: grant it to the next waiter if no one barged in. */
  private void handOffFromFree() {
    ArrayDeque<Waiter> from = returning.isEmpty() ? queue : returning;
    Waiter next = from.peekFirst();
    if (next != null && HOLDER.compareAndSet(this, null, next.thread)) {
      from.pollFirst();
      grant(next);
    }
  }

  /** Mutex held; {@code holder} is already {@code waiter.thread}. */
  private void grant(Waiter waiter) {
    acquisitions++;
    tenureStartNanos = System.nanoTime();
    releasedBy = Thread.currentThread();
    releasedAtNanos = tenureStartNanos;
    GATE.setOpaque(this, waiter.thread);
    handOffs++;
    waitersDec();
    waiter.granted = true;
    inFlight = waiter;
    waiter.wake.signal();
  }

  /** CPYTHON, mutex held: who released the GIL to the waiters, and when (for hand-off events). */
  private void noteRelease(Thread me) {
    releasedBy = me;
    releasedAtNanos = System.nanoTime();
  }

  /**
   * Mutex held, {@code me} now holds the GIL after waiting from {@code start} to {@code now}:
   * records the wait on the trace timeline and in JFR, and the hand-off that ended it.
   */
  private void waited(Thread me, long start, long now, GilWaitEvent waitEvent, Thread heldBy) {
    // one clock read (now) ends the wait, marks the hand-off and begins the tenure
    Tracer.span(SpanState.WAITING_FOR_GIL, start, now, null);
    if (Tracer.isEnabled()) {
      Thread from = releasedBy;
      Tracer.mark(MarkKind.GIL_HANDOFF, now, from == null ? null : from.getName());
    }
    waitEvent.end();
    if (waitEvent.shouldCommit()) {
      waitEvent.runtime = name;
      waitEvent.holder = heldBy == null ? null : heldBy.getName();
      waitEvent.commit();
    }
    GilHandoffEvent handoff = new GilHandoffEvent();
    if (handoff.shouldCommit()) {
      Thread from = releasedBy;
      handoff.runtime = name;
      handoff.fromThread = from == null ? null : from.getName();
      handoff.toThread = me.getName();
      handoff.latency = releasedAtNanos == 0 ? 0 : Math.max(0, System.nanoTime() - releasedAtNanos);
      handoff.commit();
    }
  }

  /** Mutex held. */
  private void waitersInc() {
    int n = waiters;
    waiters = n + 1;
    if (n == 0) {
      contendedSinceNanos = System.nanoTime();
    }
  }

  /** Mutex held. */
  private void waitersDec() {
    int n = waiters - 1;
    waiters = n;
    if (n == 0) {
      contendedNanos += System.nanoTime() - contendedSinceNanos;
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
    mutex.lock();
    try {
      long now = System.nanoTime();
      long elapsed = Math.max(1, now - createdNanos);
      Thread current = holder;
      // racy read of the holder's clock, benign: clamped, and only the current tenure's share
      long tenure =
          current == null || !holdTiming ? 0 : Math.clamp(now - holdStartNanos, 0, elapsed);
      long held = Math.min(elapsed, (long) HELD.getOpaque(this) + tenure);
      long contended = contendedNanos + (waiters > 0 ? now - contendedSinceNanos : 0);
      List<GilStats.ThreadTotals> threads = new ArrayList<>();
      for (ThreadStats stats : threadOrder) {
        threads.add(stats.snapshot(stats.thread == current ? tenure : 0));
      }
      return new GilStats(
          name,
          policy,
          switchInterval(),
          acquisitionsOpaque(),
          handOffs,
          dropRequests,
          forcedSwitches,
          watchdogWarnings,
          recoveries,
          waitTimes.count(),
          Duration.ofNanos(waitTimes.quantile(0.50)),
          Duration.ofNanos(waitTimes.quantile(0.99)),
          Duration.ofNanos(waitTimes.max()),
          holdTiming ? (double) held / elapsed : Double.NaN,
          Math.min(1.0, (double) contended / elapsed),
          Duration.ofNanos(elapsed),
          holdTiming,
          threads);
    } finally {
      mutex.unlock();
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

  /** A FAIR waiter. */
  private static final class Waiter {
    final Thread thread;
    final Condition wake;
    final boolean comingBack;

    /** When the thread started waiting (nanoTime). */
    final long since;

    /** Written under the mutex; read under it, or without it while the waiter spins. */
    volatile boolean granted;

    Waiter(Thread thread, Condition wake, boolean comingBack, long since) {
      this.thread = thread;
      this.wake = wake;
      this.comingBack = comingBack;
      this.since = since;
    }
  }

  private static final class DropRequest {
    @Override
    public String toString() {
      return "DROP_REQUEST";
    }
  }

  /** Carries a stalled holder's stack into the watchdog's log line. */
  private static final class HolderStack extends Throwable {
    private static final long serialVersionUID = 1L;

    HolderStack(Thread thread) {
      super("stack of \"" + thread.getName() + "\" at the time of the warning");
      setStackTrace(thread.getStackTrace());
    }
  }
}
