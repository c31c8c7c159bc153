package dev.baton.gil;

import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.gil.jfr.DropRequestEvent;
import dev.baton.gil.jfr.GilHandoffEvent;
import dev.baton.gil.jfr.GilWaitEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import jdk.jfr.FlightRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Statistics, watchdog and recovery of one GIL.
 *
 * Who writes what. Every field here is guarded by the policy's mutex (GilSync.mutex) except the
 * per-thread records, which each thread updates for itself (ThreadStats) and which the map below
 * finds. The holder's uncontended path never comes here: it counts its tenure in its own record
 * (cached in Gil.holderStats) and times it only with hold timing on. Waits are always timed: a
 * waiter is on its slow path anyway.
 *
 * Watchdog. There is no watchdog thread. Waiters wake at least once per switch interval, so they
 * watch the holder: a holder that has ignored a drop request for longer than the threshold (it has
 * not passed a checkpoint since the request of its current tenure) is reported once per tenure,
 * with its stack, and at most once per WARN_SPACING_NANOS in the log; every case is counted.
 *
 * Recovery. A holder that is no longer alive (it ended holding the GIL through a raw acquire()) is
 * found by the next waiter that wakes; the policy takes the GIL back (GilSync.recover) and this
 * class logs it once per dead holder.
 *
 * JFR. The events of core's jfr package are created only when a recording can run at all
 * (FlightRecorder.isInitialized()). Without a recorder, the first `new` of an event class loads and
 * instruments it for nothing: hundreds of milliseconds. On a waiter's path, under the mutex, that
 * cost let the first holder of a fresh JVM run on alone while its first waiter could neither queue
 * nor ask for a drop (the FAIR unfairness of a four-thread scenario that started its threads one
 * after another); the test that guards it runs a fresh JVM and checks that no event class loads.
 */

/**
 * Statistics, watchdog and recovery of one {@link Gil}; the design is in this file's block comment.
 * Every method must be called with the policy's mutex held unless it says otherwise.
 */
final class GilBookkeeping {
  private static final Logger LOG = LoggerFactory.getLogger(Gil.class);

  /** Least spacing of watchdog log lines, per GIL. */
  private static final long WARN_SPACING_NANOS = 10_000_000_000L;

  /** Bound on per-thread records; later threads share one record. */
  private static final int MAX_THREAD_RECORDS = 1024;

  private final Gil gil;
  private final long createdNanos = System.nanoTime();

  private long handOffs;
  private long dropRequests;
  private long forcedSwitches;
  private long watchdogWarnings;
  private long recoveries;
  private final WaitHistogram waitTimes = new WaitHistogram();
  private long contendedSinceNanos;
  private long contendedNanos;
  private long dropRequestedAtNanos;
  private long dropRequestTenure = -1;
  private long warnedTenure = -1;
  private long lastWarnNanos;

  /** Who last released or granted the GIL to waiters, and when; for the hand-off JFR event. */
  private Thread releasedBy;

  private long releasedAtNanos;

  private final ConcurrentHashMap<Thread, ThreadStats> threadStats = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<ThreadStats> threadOrder = new ConcurrentLinkedQueue<>();
  private final ThreadStats overflowStats;

  GilBookkeeping(Gil gil) {
    this.gil = gil;
    this.overflowStats = new ThreadStats(Thread.currentThread(), "(other threads)");
  }

  /** Any thread, no lock: the record of {@code thread}, made on its first tenure. */
  ThreadStats statsFor(Thread thread) {
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

  // ---------------------------------------------------------------- counters

  /** The first waiter arrived (waiters went from 0 to 1). */
  void contendedFrom(long now) {
    contendedSinceNanos = now;
  }

  /** The last waiter left (waiters went from 1 to 0). */
  void contendedUntil(long now) {
    contendedNanos += now - contendedSinceNanos;
  }

  /** The GIL went from one thread to a waiter (granted, or taken after a release). */
  void handedOff() {
    handOffs++;
  }

  /** A holder dropped the GIL on request. */
  void forcedSwitch() {
    forcedSwitches++;
    Tracer.mark(GilTrace.FORCED_SWITCH, null);
  }

  /** {@code releaser} released or granted the GIL to waiters at {@code now}. */
  void released(Thread releaser, long now) {
    releasedBy = releaser;
    releasedAtNanos = now;
  }

  /** A waiter's drop request landed on {@code holder}'s tenure number {@code tenure}. */
  void dropRequested(Thread holder, long tenure) {
    dropRequests++;
    dropRequestedAtNanos = System.nanoTime();
    dropRequestTenure = tenure;
    Tracer.mark(GilTrace.DROP_REQUEST, holder.getName());
    if (!recorderInitialized()) {
      return;
    }
    DropRequestEvent event = new DropRequestEvent();
    if (event.shouldCommit()) {
      event.runtime = gil.name();
      event.requester = Thread.currentThread().getName();
      event.holder = holder.getName();
      event.heldFor = gil.heldForApprox(dropRequestedAtNanos);
      event.commit();
    }
  }

  // ---------------------------------------------------------------- waits

  /**
   * A begun JFR wait event, or null when no recording can run. Called after the waiter has queued
   * and armed its drop request, so that even the first event's cost does not delay the request.
   */
  static GilWaitEvent beginWaitEvent() {
    if (!recorderInitialized()) {
      return null;
    }
    GilWaitEvent event = new GilWaitEvent();
    event.begin();
    return event;
  }

  /**
   * {@code me} now holds the GIL after waiting from {@code start} to {@code now}: records the wait
   * in the histogram, on the trace timeline and in JFR, and the hand-off that ended it.
   */
  void waited(Thread me, long start, long now, GilWaitEvent waitEvent, Thread heldBy) {
    waitTimes.record(now - start);
    // one clock read (now) ends the wait, marks the hand-off and begins the tenure
    Tracer.span(SpanState.WAITING_FOR_GIL, start, now, null);
    if (Tracer.isEnabled()) {
      Thread from = releasedBy;
      Tracer.mark(GilTrace.GIL_HANDOFF, now, from == null ? null : from.getName());
    }
    if (waitEvent == null) {
      return;
    }
    waitEvent.end();
    if (waitEvent.shouldCommit()) {
      waitEvent.runtime = gil.name();
      waitEvent.holder = heldBy == null ? null : heldBy.getName();
      waitEvent.commit();
    }
    GilHandoffEvent handoff = new GilHandoffEvent();
    if (handoff.shouldCommit()) {
      Thread from = releasedBy;
      handoff.runtime = gil.name();
      handoff.fromThread = from == null ? null : from.getName();
      handoff.toThread = me.getName();
      handoff.latency = releasedAtNanos == 0 ? 0 : Math.max(0, System.nanoTime() - releasedAtNanos);
      handoff.commit();
    }
  }

  /** A wait that ended by taking over a grant in flight: counted, not traced. */
  void waitedBriefly(long nanos) {
    waitTimes.record(nanos);
  }

  // ---------------------------------------------------------------- watchdog and recovery

  /** Report {@code current} if it has ignored its tenure's drop request past the threshold. */
  void watchdog(Thread current, long tenure, boolean dropPending) {
    long threshold = gil.watchdogNanos();
    if (threshold == 0 || !dropPending) {
      return;
    }
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
      if (takingAGil(stack.getStackTrace())) {
        LOG.warn(
            "thread \"{}\" holds the GIL of runtime \"{}\" and is itself waiting to take a GIL"
                + " (another runtime's, taken raw while holding this one), while {} thread(s)"
                + " wait for it: a lock-order deadlock if that GIL's holder waits for this one."
                + " Enter another runtime through its ensure(), which releases this GIL first."
                + " Further warnings for {} s are only counted in stats().",
            current.getName(),
            gil.name(),
            gil.waitingThreads(),
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
          gil.name(),
          (now - dropRequestedAtNanos) / 1_000_000,
          gil.waitingThreads(),
          WARN_SPACING_NANOS / 1_000_000_000L,
          stack);
    }
  }

  /** Whether a stack is that of a thread inside one of {@link Gil}'s acquire methods. */
  private static boolean takingAGil(StackTraceElement[] stack) {
    String gilClass = Gil.class.getName();
    for (StackTraceElement frame : stack) {
      if (frame.getClassName().equals(gilClass) && frame.getMethodName().startsWith("acquire")) {
        return true;
      }
    }
    return false;
  }

  /** The policy took the GIL back from {@code dead}, which ended holding it. */
  void recovered(Thread dead) {
    recoveries++;
    LOG.warn(
        "thread \"{}\" ended while holding the GIL of runtime \"{}\"; the GIL was taken back."
            + " Release it before the thread ends (use ensure() or a runtime thread, which do)",
        dead.getName(),
        gil.name());
  }

  // ---------------------------------------------------------------- snapshot

  /**
   * The statistics now.
   *
   * @param holdTiming whether tenures are timed
   * @param holdStartNanos the current tenure's start (racy read, clamped)
   * @param heldNanos the finished tenures' total
   */
  GilStats snapshot(boolean holdTiming, long holdStartNanos, long heldNanos) {
    long now = System.nanoTime();
    long elapsed = Math.max(1, now - createdNanos);
    Thread current = gil.holder();
    // racy read of the holder's clock, benign: clamped, and only the current tenure's share
    long tenure = current == null || !holdTiming ? 0 : Math.clamp(now - holdStartNanos, 0, elapsed);
    long held = Math.min(elapsed, heldNanos + tenure);
    long contended = contendedNanos + (gil.waitingThreads() > 0 ? now - contendedSinceNanos : 0);
    List<GilStats.ThreadTotals> threads = new ArrayList<>();
    for (ThreadStats stats : threadOrder) {
      threads.add(stats.snapshot(stats.thread == current ? tenure : 0));
    }
    return new GilStats(
        gil.name(),
        gil.policy(),
        gil.switchInterval(),
        gil.acquisitionsOpaque(),
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
  }

  /** Whether a JFR recording can run at all (see the block comment). */
  private static boolean recorderInitialized() {
    return FlightRecorder.isInitialized();
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
