package dev.baton.gil;

import dev.baton.gil.jfr.GilWaitEvent;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;

/*
 * FAIR: first-in first-out hand-off, with priority for threads coming back from I/O.
 *
 * Waiters queue and the releaser hands the GIL to the head directly (holder := head, gate := head,
 * then signal it), so no one barges past the queue. A thread that drops on request goes to the tail
 * of `queue`: this is forced switching for free, and with N CPU-bound threads each gets one tenure
 * in every N hand-offs.
 *
 * Threads coming back from a blocking section queue in `returning`, which is served before
 * `queue`, and set the drop request at once: they get the GIL at the holder's next checkpoint. So a
 * CPU-bound thread that held one interval while others waited always yields, and I/O threads,
 * which soon block again, cannot starve it either. This is the remedy proposed in the convoy-effect
 * report [1] (priority for I/O-bound threads) bounded by FIFO order, in the spirit of Ruby's GVL
 * hand-off.
 *
 * Deadlines. A waiter asks for a drop one interval after it arrived, and after a hand-off it lets
 * the new tenure have its whole interval (`tenureStartNanos`) before it asks again, so a holder is
 * asked once per tenure, not once per waiter. It reads the interval at every wake-up, and a change
 * of the interval wakes every waiter (wakeWaiters), so a shorter one takes effect at once.
 *
 * Two refinements keep hand-offs in microseconds even on a loaded machine, where a parked thread
 * may wait milliseconds for a CPU: a waiter spins (without the mutex) for up to SPIN_NANOS before
 * it parks, so a grant that comes soon is picked up at once; and a thread coming back from I/O may
 * take over a grant still in flight (`inFlight`: granted, grantee not yet awake) if that grantee has
 * waited less than one interval; the grantee keeps its place at the head of its queue, and after
 * one interval of waiting it can no longer be overtaken.
 *
 * References.
 *  [1] David Beazley, "The Python GIL: convoy effect", bpo-7946 (2010).
 */

/** {@link GilPolicy#FAIR}; the design is in this file's block comment. */
final class FairSync extends GilSync {
  /**
   * How long a waiter spins (without the mutex) for its grant before it parks. Hand-offs to and
   * from a thread coming back from I/O take microseconds; a parked waiter would add the operating
   * system's wake-up latency to each of them (milliseconds on a loaded machine).
   */
  private static final long SPIN_NANOS = 50_000;

  /** Threads coming back from a blocking section, served first. Guarded by mutex. */
  private final ArrayDeque<Waiter> returning = new ArrayDeque<>();

  /** Every other waiter. Guarded by mutex. */
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();

  /**
   * The waiter granted the GIL that has not woken up yet, or null. Guarded by mutex. A thread
   * coming back from I/O may take such a grant over instead of waiting for the grantee to wake, run
   * to a checkpoint and hand the GIL on.
   */
  private Waiter inFlight;

  /** When the current tenure began, for waiters' deadlines. Guarded by mutex. */
  private long tenureStartNanos;

  FairSync(Gil gil) {
    super(gil);
  }

  @Override
  void releaseToWaiters(Thread me) {
    mutex.lock();
    try {
      if (!handOffNext()) {
        gil.setGateOpaque(null);
        gil.holder = null;
      }
    } finally {
      mutex.unlock();
    }
  }

  @Override
  void releasedBeforeLateWaiter(Thread me) {
    mutex.lock();
    try {
      if (gil.holder == null) {
        foundFree();
      }
    } finally {
      mutex.unlock();
    }
  }

  @Override
  void switchAway(Thread me, boolean requested) {
    boolean interrupted = false;
    mutex.lock();
    try {
      if (returning.isEmpty() && queue.isEmpty()) {
        // a stale request (its waiter was served meanwhile): cancel it and carry on
        gil.setGateOpaque(me);
        return;
      }
      long start = System.nanoTime();
      gil.ended(me);
      handOffNext();
      if (requested) {
        books.forcedSwitch();
      }
      waitersInc();
      interrupted = await(me, false, start);
    } finally {
      mutex.unlock();
    }
    if (interrupted) {
      me.interrupt();
    }
  }

  @Override
  void tookFree(long now) {
    tenureStartNanos = now;
  }

  @Override
  boolean await(Thread me, boolean comingBack, long start) {
    if (comingBack && takeOverInFlightGrant(me, start)) {
      return false;
    }
    Thread heldBy = gil.holder;
    Waiter waiter = new Waiter(me, mutex.newCondition(), comingBack, start);
    (comingBack ? returning : queue).addLast(waiter);
    long seen = gil.acquisitionsOpaque();
    // the wait is measured from `since`, for one interval, or RETRY_NANOS after a request that did
    // not land; the interval is read at each wake-up, so a change takes effect at once
    long since = start;
    boolean retry = false;
    if (comingBack) {
      Thread current = gil.holder;
      retry = current != null && !requestDrop(current);
    }
    // queued and the request armed: only now the bookkeeping that may be slow on first use
    GilWaitEvent waitEvent = GilBookkeeping.beginWaitEvent();
    boolean interrupted = false;
    long spinUntil = start + SPIN_NANOS;
    while (!waiter.granted) {
      long now = System.nanoTime();
      long left = since + (retry ? RETRY_NANOS : gil.intervalNanos()) - now;
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
      long tenure = gil.acquisitionsOpaque();
      if (!comingBack && tenure != seen) {
        // a hand-off happened meanwhile: the new tenure gets its whole interval
        seen = tenure;
        if (tenureStartNanos + gil.intervalNanos() - System.nanoTime() > 0) {
          since = tenureStartNanos;
          retry = false;
          continue;
        }
      }
      boolean landed = periodElapsed(seen, true);
      seen = gil.acquisitionsOpaque();
      since = System.nanoTime();
      retry = !landed;
    }
    if (inFlight == waiter) {
      inFlight = null;
    }
    long now = System.nanoTime();
    gil.beganTenure(me, now).waited(now - start);
    books.waited(me, start, now, waitEvent, heldBy);
    return interrupted;
  }

  /**
   * {@code waiters} counts the caller, which comes back from a blocking section: when the GIL was
   * granted to a waiter that has not woken up yet, and that waiter has waited less than one
   * interval, the caller takes the GIL now and the grantee goes back to the head of its queue,
   * keeping its turn. This saves the I/O thread two wake-ups (the grantee's and its own); the bound
   * on the grantee's wait keeps CPU-bound threads from starving.
   *
   * @return whether the caller now holds the GIL
   */
  private boolean takeOverInFlightGrant(Thread me, long start) {
    Waiter grantee = inFlight;
    if (grantee == null
        || gil.holder != grantee.thread
        || start - grantee.since >= gil.intervalNanos()) {
      return false;
    }
    grantee.granted = false;
    (grantee.comingBack ? returning : queue).addFirst(grantee);
    inFlight = null;
    gil.holder = me;
    gil.acquisitions++;
    tenureStartNanos = System.nanoTime();
    gil.setGateOpaque(me);
    // the caller stops waiting, the grantee waits again: the count is unchanged
    gil.beganTenure(me);
    books.waitedBriefly(tenureStartNanos - start);
    return true;
  }

  @Override
  boolean isRunning(Thread current) {
    Waiter grantee = inFlight;
    return grantee == null || grantee.thread != current;
  }

  @Override
  void wakeWaiters() {
    for (Waiter waiter : returning) {
      waiter.wake.signal();
    }
    for (Waiter waiter : queue) {
      waiter.wake.signal();
    }
  }

  @Override
  void foundFree() {
    ArrayDeque<Waiter> from = returning.isEmpty() ? queue : returning;
    Waiter next = from.peekFirst();
    if (next != null && gil.casHolder(null, next.thread)) {
      from.pollFirst();
      grant(next);
    }
  }

  @Override
  void afterRecovery() {
    foundFree();
  }

  /** The caller holds or is giving up the GIL: grant it to the next waiter, if any. */
  private boolean handOffNext() {
    Waiter next = returning.pollFirst();
    if (next == null) {
      next = queue.pollFirst();
    }
    if (next == null) {
      return false;
    }
    gil.holder = next.thread;
    grant(next);
    return true;
  }

  /** {@code holder} is already {@code waiter.thread}. */
  private void grant(Waiter waiter) {
    gil.acquisitions++;
    tenureStartNanos = System.nanoTime();
    books.released(Thread.currentThread(), tenureStartNanos);
    gil.setGateOpaque(waiter.thread);
    books.handedOff();
    waitersDec();
    waiter.granted = true;
    inFlight = waiter;
    waiter.wake.signal();
  }

  /** A waiter. */
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
}
