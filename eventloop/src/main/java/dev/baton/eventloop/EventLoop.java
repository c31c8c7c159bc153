package dev.baton.eventloop;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingCallable;
import dev.baton.eventloop.internal.RunnableRing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design notes.
 *
 * Iteration. One pass of the loop:
 *   1. move what other threads submitted (the MPSC inbox) to the ready ring;
 *   2. read the clock once (t0); run exactly the callbacks that are in the ready ring now, FIFO
 *      (callbacks they schedule run in the next pass, so a callback that reschedules itself cannot
 *      starve timers or I/O);
 *   3. run the timers whose deadline is <= t0 and that were scheduled before the pass began;
 *   4. read the clock again (t1): t1 - t0 is the batch's duration, checked against the
 *      slow-callback threshold (this pair is the only clock cost of a pass);
 *   5. poll I/O without waiting if callbacks are ready, else wait in the selector (or park when no
 *      channel is registered) until the next timer's deadline, an I/O event, or a wake-up.
 *
 * Cross-thread wake-up (Netty's pattern). `sleeping` is 0 while the loop runs, and PARKED or
 * SELECTING from just before the loop checks the inbox for the last time until it wakes. A
 * producer offers to the inbox, then CASes `sleeping` from non-zero to 0 and, if it won, wakes the
 * loop; so there is at most one wake-up (one unpark or one selector wake-up syscall) per sleep.
 * The loop's volatile write of `sleeping` and its read of the inbox, and the producer's offer and
 * its volatile read of `sleeping`, form a Dekker pair: either the loop sees the item and does not
 * sleep, or the producer sees the loop asleep and wakes it. A wake-up that arrives after the loop
 * woke for another reason leaves a permit (or a selector wake-up) that costs one extra pass.
 *
 * Ownership. `owner` is the only thread allowed to call loop-only methods: the thread that runs
 * the loop, or, while a task runs on its own virtual thread, that task's thread. See Task.
 */

/**
 * A single-threaded cooperative event loop in the image of CPython's asyncio: callbacks, timers,
 * tasks written as sequential code that switch only at {@link Tasks#await}, and non-blocking I/O on
 * one {@link Selector}.
 *
 * <h2>Threading contract</h2>
 *
 * <p>Methods are <em>loop-only</em> unless they say otherwise: they may be called only by the
 * thread running the loop (or a task of the loop); before the loop first runs, by the thread that
 * created it. Any other thread gets a {@link NotOnLoopThreadException}, always. Other threads use
 * {@link #callSoonThreadSafe(Runnable)}, {@link #runCoroutineThreadSafe} and {@link Future#get()}.
 *
 * <h2>Errors</h2>
 *
 * <p>An exception thrown by a callback is logged (SLF4J, logger {@code dev.baton.eventloop.
 * EventLoop}, level ERROR) with the callback's name, and the loop goes on.
 *
 * <h2>Timers</h2>
 *
 * <p>The clock is {@link System#nanoTime()}, read once per pass: a timer never fires before its
 * deadline, and fires in the first pass that starts after it. When channels are registered the loop
 * waits in {@link Selector#select(long)}, whose timeout is in whole milliseconds, rounded up:
 * timers are then late by up to about 1 ms plus the OS's wake-up latency; without channels the loop
 * parks with nanosecond timeouts (late by the OS's timer slack, typically 50-100 µs).
 */
public final class EventLoop implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

  private static final int IDLE = 0;
  private static final int RUNNING = 1;
  private static final int CLOSED = 2;

  private static final int AWAKE = 0;
  private static final int PARKED = 1;
  private static final int SELECTING = 2;

  /** Inbox items moved to the ready ring per pass, at most; the rest wait for the next pass. */
  private static final int INBOX_BATCH = 4096;

  private static final VarHandle SLEEPING;
  private static final VarHandle STEP_SEQ;
  private static final VarHandle CURRENT_STEP;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      SLEEPING = lookup.findVarHandle(EventLoop.class, "sleeping", int.class);
      STEP_SEQ = lookup.findVarHandle(EventLoop.class, "stepSeq", long.class);
      CURRENT_STEP = lookup.findVarHandle(EventLoop.class, "currentStep", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String name;

  /** Loop thread only. */
  private final RunnableRing ready = new RunnableRing(256);

  /** Loop thread only. */
  final TimerHeap timers = new TimerHeap();

  /** Any thread offers; the loop thread alone polls. */
  private final MpscUnboundedXaddArrayQueue<Runnable> inbox =
      new MpscUnboundedXaddArrayQueue<>(1024);

  /** Loop time zero: the loop's clock is {@code System.nanoTime() - origin}. */
  private final long origin = System.nanoTime();

  /**
   * The thread allowed to call loop-only methods. Plain field: written only by the thread that
   * holds the baton, just before it hands the baton over through a volatile write, so the next
   * holder reads its own identity. Other threads may read a stale value, but never themselves, so
   * their check still fails as it should.
   */
  Thread owner;

  /** The thread running {@link #runForever()}, null when idle. Written by it; read by wakers. */
  private volatile Thread loopThread;

  /** IDLE, RUNNING or CLOSED. Written by the owner; read by any thread. */
  private volatile int state;

  /** AWAKE, PARKED or SELECTING; see the design notes. Accessed through {@link #SLEEPING}. */
  @SuppressWarnings("unused")
  private volatile int sleeping;

  /** Loop thread only. */
  private boolean stopRequested;

  /** Schedule order of timers. Loop thread only. */
  private long timerSeq;

  /** Opened on first I/O registration. Written by the loop thread; read by wakers. */
  private volatile Selector selector;

  /** Timeout of the next sleep for {@link #sleepAction}, in ns; -1 for none. Loop thread only. */
  private long sleepNanos;

  /** Callbacks and task steps run; opaque writes by the loop thread, read by the watchdog. */
  @SuppressWarnings("unused")
  private long stepSeq;

  /** The callback or task being run, null between steps; opaque, for the watchdog. */
  @SuppressWarnings("unused")
  private Object currentStep;

  private final BlockingCallable<Void, IOException> sleepAction = this::sleepNow;
  private final Consumer<SelectionKey> onSelected = EventLoop::dispatch;

  /** Creates a loop named "loop". The creating thread may schedule on it until it runs. */
  public EventLoop() {
    this("loop");
  }

  /**
   * Creates a loop. The creating thread may schedule on it until it runs.
   *
   * @param name used in thread names and log messages
   * @throws NullPointerException if {@code name} is null
   */
  public EventLoop(String name) {
    this.name = Objects.requireNonNull(name, "name");
    this.owner = Thread.currentThread();
  }

  /**
   * @return the loop's name
   */
  public String name() {
    return name;
  }

  /**
   * Any thread.
   *
   * @return the loop's monotonic clock, in nanoseconds since the loop was created
   */
  public long time() {
    return System.nanoTime() - origin;
  }

  /**
   * Any thread.
   *
   * @return whether {@link #runForever()} is in progress
   */
  public boolean isRunning() {
    return state == RUNNING;
  }

  /**
   * Any thread.
   *
   * @return whether {@link #close()} was called
   */
  public boolean isClosed() {
    return state == CLOSED;
  }

  /**
   * Schedules {@code callback} to run in the next pass of the loop, after the callbacks scheduled
   * before it. Loop-only; allocates nothing unless the ready queue grows.
   *
   * @param callback what to run; an exception it throws is logged and does not stop the loop
   * @throws NotOnLoopThreadException if called from another thread
   * @throws EventLoopStateException if the loop is closed
   * @throws NullPointerException if {@code callback} is null
   */
  public void callSoon(Runnable callback) {
    if (Thread.currentThread() != owner) {
      throw notOnLoop("callSoon", "use callSoonThreadSafe from other threads");
    }
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    if (state == CLOSED) {
      throw closed("callSoon");
    }
    ready.offer(callback);
  }

  /**
   * Schedules {@code callback} from any thread: it runs on the loop in a pass that starts after
   * this call. Wakes the loop if it sleeps (at most one wake-up per sleep, however many threads
   * submit). Callbacks submitted by one thread run in submission order.
   *
   * @param callback what to run on the loop
   * @throws EventLoopStateException if the loop is closed (a callback submitted concurrently with
   *     {@link #close()} may be dropped)
   * @throws NullPointerException if {@code callback} is null
   */
  public void callSoonThreadSafe(Runnable callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    if (state == CLOSED) {
      throw closed("callSoonThreadSafe");
    }
    inbox.offer(callback);
    wakeUp();
  }

  /**
   * Schedules {@code callback} to run once {@code delay} has elapsed. Loop-only.
   *
   * @param delay how long to wait, zero or more
   * @param callback what to run
   * @return a handle to cancel it
   * @throws IllegalArgumentException if {@code delay} is negative
   * @throws NotOnLoopThreadException if called from another thread
   * @throws EventLoopStateException if the loop is closed
   */
  public TimerHandle callLater(Duration delay, Runnable callback) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be zero or positive, got " + delay);
    }
    long nanos = saturatedNanos(delay);
    checkLoopThread("callLater");
    return callAt(satAdd(time(), nanos), callback);
  }

  /**
   * Schedules {@code callback} to run when {@link #time()} reaches {@code deadline}. Loop-only.
   *
   * @param deadline on the loop's clock, in nanoseconds; a past deadline runs in the next pass
   * @param callback what to run
   * @return a handle to cancel it
   * @throws NotOnLoopThreadException if called from another thread
   * @throws EventLoopStateException if the loop is closed
   */
  public TimerHandle callAt(long deadline, Runnable callback) {
    checkLoopThread("callAt");
    Objects.requireNonNull(callback, "callback");
    if (state == CLOSED) {
      throw closed("callAt");
    }
    TimerHandle t = new TimerHandle(this, deadline, timerSeq++, callback);
    timers.add(t);
    return t;
  }

  /**
   * Runs the loop on the calling thread until {@link #stop()} is called. The calling thread becomes
   * the loop's thread.
   *
   * @throws EventLoopStateException if the loop is closed or already running
   * @throws NotOnLoopThreadException if called from a task of this loop
   */
  public void runForever() {
    Thread me = Thread.currentThread();
    synchronized (this) {
      if (state == CLOSED) {
        throw closed("runForever");
      }
      if (state == RUNNING) {
        throw new EventLoopStateException(
            "thread \""
                + me.getName()
                + "\" called runForever on loop \""
                + name
                + "\", which is already running on thread \""
                + threadName(loopThread)
                + "\"; stop it first, or schedule work on it with callSoonThreadSafe");
      }
      owner = me;
      loopThread = me;
      state = RUNNING;
    }
    try {
      do {
        runOnce();
      } while (!stopRequested);
    } finally {
      stopRequested = false;
      CURRENT_STEP.setOpaque(this, (Object) null);
      synchronized (this) {
        loopThread = null;
        state = IDLE;
      }
    }
  }

  /**
   * Asks the running loop to stop after the current pass; if it is not running, the next {@link
   * #runForever()} runs one pass and returns. Loop-only; from another thread use {@code
   * callSoonThreadSafe(loop::stop)}.
   *
   * @throws NotOnLoopThreadException if called from another thread
   */
  public void stop() {
    checkLoopThread("stop");
    stopRequested = true;
  }

  /**
   * Closes the loop: drops pending callbacks and timers and closes the selector. Idempotent.
   *
   * @throws EventLoopStateException if the loop is running
   * @throws NotOnLoopThreadException if called from a thread other than the loop's
   */
  @Override
  public void close() {
    checkLoopThread("close");
    if (state == CLOSED) {
      return;
    }
    if (state == RUNNING) {
      throw new EventLoopStateException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" closed loop \""
              + name
              + "\" while it runs; call stop() and close it after runForever returns");
    }
    state = CLOSED;
    ready.clear();
    timers.clear();
    inbox.clear();
    Selector s = selector;
    if (s != null) {
      try {
        s.close();
      } catch (IOException e) {
        LOG.warn("Closing the selector of loop \"{}\" failed", name, e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The pass

  private void runOnce() {
    drainInbox();
    long t0 = System.nanoTime();
    int n = ready.size();
    for (int i = 0; i < n; i++) {
      runStep(ready.poll());
    }
    if (timers.size() != 0) {
      runExpiredTimers(t0 - origin);
    }
    long t1 = System.nanoTime();
    afterBatch(t1 - t0);
    if (stopRequested) {
      return;
    }
    if (!ready.isEmpty()) {
      return;
    }
    TimerHandle next = timers.peekLive();
    long timeout = next == null ? -1 : Math.max(0, next.deadline - (t1 - origin));
    if (timeout != 0) {
      sleep(timeout);
    }
  }

  private void runExpiredTimers(long now) {
    long seqLimit = timerSeq;
    TimerHandle t;
    while ((t = timers.peekLive()) != null && t.deadline <= now && t.seq < seqLimit) {
      timers.pollLive();
      runStep(t.callback);
    }
  }

  private void runStep(Runnable r) {
    CURRENT_STEP.setOpaque(this, (Object) r);
    STEP_SEQ.setOpaque(this, (long) STEP_SEQ.getOpaque(this) + 1);
    try {
      r.run();
    } catch (Throwable e) {
      LOG.error("Exception in callback {} on loop \"{}\"", r, name, e);
    }
    CURRENT_STEP.setOpaque(this, (Object) null);
  }

  @SuppressWarnings("unused")
  private void afterBatch(long batchNanos) {
    // slow-callback diagnostics hook
  }

  private void drainInbox() {
    for (int i = 0; i < INBOX_BATCH; i++) {
      Runnable r = inbox.relaxedPoll();
      if (r == null) {
        return;
      }
      ready.offer(r);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Sleeping and waking

  /**
   * @param timeout ns, > 0, or -1 for no deadline
   */
  private void sleep(long timeout) {
    Selector s = selector;
    boolean select = s != null && !s.keys().isEmpty();
    SLEEPING.setVolatile(this, select ? SELECTING : PARKED);
    if (!inbox.isEmpty()) {
      SLEEPING.setOpaque(this, AWAKE);
      return;
    }
    sleepNanos = timeout;
    try {
      Blocking.call(sleepAction);
    } catch (IOException e) {
      throw new UncheckedIOException("selector of loop \"" + name + "\" failed", e);
    } finally {
      SLEEPING.setOpaque(this, AWAKE);
    }
  }

  private Void sleepNow() throws IOException {
    long timeout = sleepNanos;
    if ((int) SLEEPING.getOpaque(this) == SELECTING) {
      long millis = timeout < 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeout + 999_999));
      selector.select(onSelected, millis);
    } else if (timeout < 0) {
      LockSupport.park(this);
    } else {
      LockSupport.parkNanos(this, timeout);
    }
    return null;
  }

  private void wakeUp() {
    int s = (int) SLEEPING.getVolatile(this);
    if (s != AWAKE && SLEEPING.compareAndSet(this, s, AWAKE)) {
      if (s == SELECTING) {
        selector.wakeup();
      } else {
        LockSupport.unpark(loopThread);
      }
    }
  }

  private static void dispatch(SelectionKey key) {
    // I/O readiness hook
  }

  // ---------------------------------------------------------------------------------------------
  // Checks

  void checkLoopThread(String method) {
    if (Thread.currentThread() != owner) {
      throw notOnLoop(method, "schedule it with callSoonThreadSafe instead");
    }
  }

  private NotOnLoopThreadException notOnLoop(String method, String instead) {
    Thread running = loopThread;
    return new NotOnLoopThreadException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" called "
            + method
            + " on loop \""
            + name
            + "\", which "
            + (running == null
                ? "belongs to thread \"" + threadName(owner) + "\""
                : "runs on thread \"" + running.getName() + "\"")
            + "; loop-only methods must be called on the loop's thread: "
            + instead);
  }

  private EventLoopStateException closed(String method) {
    return new EventLoopStateException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" called "
            + method
            + " on loop \""
            + name
            + "\", which is closed; create a new loop");
  }

  private static String threadName(Thread t) {
    return t == null ? "none" : t.getName();
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long satAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public String toString() {
    return "EventLoop[" + name + "]";
  }
}
