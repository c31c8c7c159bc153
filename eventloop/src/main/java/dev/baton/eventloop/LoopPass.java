package dev.baton.eventloop;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingCallable;
import dev.baton.core.BlockingHandler;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.eventloop.internal.RunnableRing;
import dev.baton.eventloop.jfr.SlowCallbackEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/*
 * Iteration. One pass of the loop:
 *   1. move what other threads submitted (the MPSC inbox) to the ready ring;
 *   2. read the clock once (t0); run exactly the callbacks that are in the ready ring now, FIFO
 *      (callbacks they schedule run in the next pass, so a callback that reschedules itself cannot
 *      starve timers or I/O);
 *   3. run the timers whose deadline is <= t0 and that were scheduled before the pass looked at
 *      them (LoopTimers);
 *   4. read the clock again (t1): t1 - t0 is the batch's duration, checked against the
 *      slow-callback threshold (this pair is the only clock cost of a pass);
 *   5. poll I/O without waiting if callbacks are ready, else wait in the selector (or park when no
 *      channel is registered) until the next timer's deadline, an I/O event, or a wake-up.
 * The previous pass's end time serves as the next pass's start when nothing happened in between
 * but moving the inbox over (`clockFresh`): it is only ever earlier than the true time, so a timer
 * still never fires early, and a busy loop reads the clock once per pass instead of twice.
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
 * Under a GIL. A loop run on a thread with a blocking handler (a GIL runtime's thread) keeps what
 * that handler holds while it runs steps: a virtual-thread task's steps get it with the baton
 * (VirtualThreadStrand), a continuation's run on the loop's thread anyway; the loop gives it up
 * while it sleeps (sleep() is a blocking section) and offers it at the end of every pass
 * (`handler.checkpoint()`). The contract is core's BlockingHandler, "Taking turns".
 */

/**
 * The loop's pass: the ready ring, running steps, the sleep and the cross-thread wake-up (Netty's
 * {@code SingleThreadIoEventLoop.run}). Loop thread only, but for {@link #wakeUp()}. See the notes
 * at the top of this file.
 */
final class LoopPass {
  private static final int AWAKE = 0;
  private static final int PARKED = 1;
  private static final int SELECTING = 2;

  private static final VarHandle SLEEPING;

  static {
    try {
      SLEEPING = MethodHandles.lookup().findVarHandle(LoopPass.class, "sleeping", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    // initialises JFR's event class here, once, and not inside the first step a loop runs, which
    // it would make slow (its class initialisation can take over 100 ms)
    new SlowCallbackEvent();
  }

  private final EventLoop loop;
  private final String name;
  private final IoHandler io;
  private final LoopInbox inbox;
  private final LoopTimers timers;
  private final LoopDiagnostics diagnostics;

  /** Loop time zero, the loop's. */
  private final long origin;

  /** Loop thread only. */
  private final RunnableRing ready = new RunnableRing(256);

  /** When the last pass ended (System.nanoTime()); loop thread only. */
  private long passEnd;

  /**
   * Whether {@link #passEnd} may stand for the next pass's start: true only when the loop went
   * straight from one pass to the next without sleeping or polling I/O. Loop thread only.
   */
  private boolean clockFresh;

  /** The running thread's blocking handler, or null; confined to the loop's thread. */
  private BlockingHandler handler;

  /** Loop thread only. */
  private boolean stopRequested;

  /** AWAKE, PARKED or SELECTING; see the notes. Accessed through {@link #SLEEPING}. */
  @SuppressWarnings("unused")
  private volatile int sleeping;

  /** Timeout of the next sleep for {@link #sleepAction}, in ns; -1 for none. Loop thread only. */
  private long sleepNanos;

  private final BlockingCallable<Void, IOException> sleepAction = this::sleepNow;

  LoopPass(
      EventLoop loop,
      long origin,
      IoHandler io,
      LoopInbox inbox,
      LoopTimers timers,
      LoopDiagnostics diagnostics) {
    this.loop = loop;
    this.name = loop.name();
    this.origin = origin;
    this.io = io;
    this.inbox = inbox;
    this.timers = timers;
    this.diagnostics = diagnostics;
  }

  /** Adds a callback for the next pass. Loop thread only. */
  void offer(Runnable callback) {
    ready.offer(callback);
  }

  /** Asks the loop to return from {@link #runUntilStopped} after the current pass. */
  void requestStop() {
    stopRequested = true;
  }

  /** Runs passes until {@link #requestStop()}; then clears the request. */
  void runUntilStopped() {
    handler = Blocking.currentHandler();
    try {
      do {
        runOnce();
      } while (!stopRequested);
    } finally {
      handler = null;
      stopRequested = false;
    }
  }

  /** Drops what the loop's own thread scheduled (close). */
  void clear() {
    ready.clear();
  }

  private void runOnce() {
    inbox.drainTo(ready);
    long t0 = clockFresh ? passEnd : System.nanoTime();
    int n = ready.size();
    Runnable last = null;
    for (int i = 0; i < n; i++) {
      last = ready.poll();
      runStep(last);
    }
    if (timers.size() != 0) {
      Runnable timer = runExpiredTimers(t0 - origin);
      if (timer != null) {
        last = timer;
        n = n + 2; // at least one more step: the batch is not a single step any longer
      }
    }
    long t1 = System.nanoTime();
    passEnd = t1;
    clockFresh = true;
    if (t1 - t0 > diagnostics.slowNanos && last != null) {
      diagnostics.slowBatch(t1 - t0, n, last);
    }
    BlockingHandler h = handler;
    if (h != null) {
      h.checkpoint(); // under a GIL: others get it here if they asked
    }
    if (stopRequested) {
      return;
    }
    if (!ready.isEmpty()) {
      if (io.hasChannels()) {
        clockFresh = false; // I/O handlers run in there: the next pass reads the clock anew
        pollIo(); // callbacks are ready, so do not wait, but do not starve I/O either
      }
      return;
    }
    clockFresh = false;
    long timeout = timers.nanosToNext(t1 - origin);
    if (timeout != 0) {
      sleep(timeout);
    }
  }

  /** Runs the timers due at {@code now}; returns the last one run, or null. */
  private Runnable runExpiredTimers(long now) {
    long seqLimit = timers.seqLimit();
    Runnable last = null;
    TimerHandle t;
    while ((t = timers.pollDue(now, seqLimit)) != null) {
      last = t.callback;
      runStep(last);
    }
    return last;
  }

  private void runStep(Runnable r) {
    diagnostics.stepStarted(r);
    long traceStart = Tracer.now();
    // JFR's idiom: begin/end/shouldCommit are empty until a recording enables the event
    SlowCallbackEvent slow = new SlowCallbackEvent();
    slow.begin();
    try {
      invokeStep(r);
    } catch (Throwable e) {
      EventLoop.LOG.error(
          "Exception in callback {} on loop \"{}\"", LoopDiagnostics.describe(r), name, e);
    }
    slow.end();
    if (slow.shouldCommit()) {
      slow.loop = name;
      slow.callback = LoopDiagnostics.describe(r);
      slow.commit();
    }
    if (traceStart != 0) {
      traceStep(r, traceStart);
    }
    diagnostics.stepEnded();
  }

  /**
   * Calls the step and does nothing else, so that on a stack sampled while a step runs, the frame
   * above this one is the step's own code, not the bookkeeping around it. Its name is {@link
   * LoopDiagnostics#STEP_RUNNER_METHOD}.
   */
  private static void invokeStep(Runnable r) {
    r.run();
  }

  /** Tracing only: the callback as a running span of the loop's thread; a mark if it was slow. */
  private static void traceStep(Runnable r, long start) {
    Tracer.span(SpanState.RUNNING, start);
    if (System.nanoTime() - start >= EventLoop.SLOW_CALLBACK_NANOS) {
      Tracer.mark(LoopTrace.SLOW_CALLBACK, LoopDiagnostics.describe(r));
    }
  }

  /**
   * @param timeout ns, > 0, or -1 for no deadline
   */
  private void sleep(long timeout) {
    boolean select = io.hasChannels();
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
      io.select(timeout);
    } else if (timeout < 0) {
      LockSupport.park(loop);
    } else {
      LockSupport.parkNanos(loop, timeout);
    }
    return null;
  }

  /** Any thread, after an offer to the inbox: wakes the loop if it sleeps; see the notes. */
  void wakeUp() {
    int s = (int) SLEEPING.getVolatile(this);
    if (s != AWAKE && SLEEPING.compareAndSet(this, s, AWAKE)) {
      if (s == SELECTING) {
        io.wakeup();
      } else {
        LockSupport.unpark(loop.loopThread());
      }
    }
  }

  private void pollIo() {
    try {
      io.poll();
    } catch (IOException e) {
      throw new UncheckedIOException("selector of loop \"" + name + "\" failed", e);
    }
  }
}
