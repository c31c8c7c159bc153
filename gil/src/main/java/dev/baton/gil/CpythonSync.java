package dev.baton.gil;

import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.gil.jfr.GilWaitEvent;
import java.util.concurrent.locks.Condition;

/*
 * CPYTHON: ceval_gil.c's take_gil and drop_gil [1], FORCE_SWITCHING included.
 *
 * Release sets holder = null and signals one waiter (`released`, gil->cond); whichever thread CASes
 * first wins, which is the operating system's choice, as with CPython's mutex and condition. A
 * waiter sleeps one interval at a time and sets the drop request when no tenure began meanwhile.
 *
 * Forced switching [1]. After a requested drop the dropping thread must not take the GIL back
 * before a waiter has it; otherwise a CPU-bound thread re-takes it at once and waiters starve (the
 * problem Beazley measured in the old GIL [2]). The dropper waits on `switched` (switch_cond) until
 * `acquisitions` moves, then competes like any waiter. It counts as a waiter from the drop on.
 *
 * The switch on release. A holder that releases the GIL while threads wait (for I/O, or by
 * release()) does not go on before one of them took it; a thread that dropped on request and
 * waits to compete again counts among them. In CPython the waiter woken by drop_gil
 * takes the GIL while the releaser is inside its system call, because waking takes a few
 * microseconds on an idle core and a network round trip takes more; on the JVM, and on a busy
 * machine, waking takes longer than a loopback round trip, the I/O thread comes back first and
 * takes the free GIL again, time after time, and the waiter starves until its interval runs out.
 * Waiting here makes CPython's outcome hold whatever the wake-up costs: the cost moves to the
 * releaser's I/O, which starts a wake-up later.
 *
 * The convoy effect [3]. A thread coming back from a blocking call is an ordinary waiter: behind a
 * CPU-bound holder it waits a whole interval, then the holder drops, it runs, blocks again, and
 * pays another interval on the next return; an I/O thread beside one CPU thread manages about one
 * I/O operation per interval. The switch on release is what keeps it so: the I/O thread's release
 * lets the waiting CPU thread in, and the I/O thread comes back to a holder. This policy keeps the
 * convoy, for teaching and comparison.
 *
 * References.
 *  [1] CPython, Python/ceval_gil.c (3.2+), and Antoine Pitrou's "new GIL" (bpo-7753).
 *  [2] David Beazley, "Understanding the Python GIL" (PyCon 2010).
 *  [3] David Beazley, "The Python GIL: convoy effect", bpo-7946 (2010).
 */

/** {@link GilPolicy#CPYTHON}; the design is in this file's block comment. */
final class CpythonSync extends GilSync {
  /** Waiters sleep here (ceval_gil.c's gil->cond). */
  private final Condition released = mutex.newCondition();

  /** A dropping holder sleeps here until another thread took the GIL (switch_cond). */
  private final Condition switched = mutex.newCondition();

  CpythonSync(Gil gil) {
    super(gil);
  }

  @Override
  void releaseToWaiters(Thread me) {
    long seen = gil.acquisitionsOpaque();
    gil.setGateOpaque(null);
    gil.holder = null;
    // the waiter takes the GIL while this thread does its I/O (see the block comment)
    long waitStart = Tracer.now();
    boolean interrupted = false;
    mutex.lock();
    try {
      books.released(me, System.nanoTime());
      released.signal();
      while (gil.acquisitionsOpaque() == seen && gil.waiters > 0) {
        try {
          switched.awaitNanos(gil.intervalNanos());
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      mutex.unlock();
    }
    Tracer.span(SpanState.WAITING_FOR_GIL, waitStart); // the switch wait
    if (interrupted) {
      me.interrupt();
    }
  }

  @Override
  void releasedBeforeLateWaiter(Thread me) {
    mutex.lock();
    try {
      books.released(me, System.nanoTime());
      released.signal();
    } finally {
      mutex.unlock();
    }
  }

  @Override
  void switchAway(Thread me, boolean requested) {
    long seen = gil.acquisitions;
    gil.ended(me);
    long waitStart = Tracer.now();
    gil.setGateOpaque(null);
    gil.holder = null;
    boolean interrupted;
    mutex.lock();
    try {
      long start = System.nanoTime();
      // a waiter from here on, so that a holder releasing for I/O lets this thread in
      waitersInc();
      if (gil.waiters == 1 && gil.casHolder(null, me)) {
        // nobody else waits: the request was stale, or its waiter took the GIL and gave it back
        // between this thread's clearing of holder and its taking of the mutex
        waitersDec();
        if (requested && gil.acquisitionsOpaque() != seen) {
          books.forcedSwitch();
        }
        Tracer.span(SpanState.WAITING_FOR_GIL, waitStart); // its tenure ended: the timeline says so
        gil.began(me);
        return;
      }
      books.released(me, start);
      released.signal();
      // FORCE_SWITCHING: do not compete before someone else had the GIL
      interrupted = false;
      while (gil.acquisitionsOpaque() == seen && gil.waiters > 1) {
        try {
          switched.awaitNanos(gil.intervalNanos());
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (requested && gil.acquisitionsOpaque() != seen) {
        books.forcedSwitch();
      }
      interrupted |= await(me, false, start);
    } finally {
      mutex.unlock();
    }
    if (interrupted) {
      me.interrupt();
    }
  }

  @Override
  boolean await(Thread me, boolean comingBack, long start) {
    Thread heldBy = gil.holder;
    GilWaitEvent waitEvent = GilBookkeeping.beginWaitEvent();
    boolean interrupted = false;
    while (!gil.casHolder(null, me)) {
      long seen = gil.acquisitionsOpaque();
      long left;
      try {
        left = released.awaitNanos(gil.intervalNanos());
      } catch (InterruptedException e) {
        interrupted = true;
        continue;
      }
      if (left <= 0) {
        periodElapsed(seen, false);
      }
    }
    waitersDec();
    gil.acquisitions++;
    books.handedOff();
    long now = System.nanoTime();
    gil.beganTenure(me, now).waited(now - start);
    gil.setGateOpaque(me);
    switched.signalAll();
    books.waited(me, start, now, waitEvent, heldBy);
    return interrupted;
  }

  @Override
  void wakeWaiters() {
    // a woken waiter retries its CAS and sleeps a new period of the new interval
    released.signalAll();
  }

  @Override
  void foundFree() {}

  @Override
  void afterRecovery() {
    released.signalAll();
  }
}
