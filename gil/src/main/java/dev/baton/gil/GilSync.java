package dev.baton.gil;

import java.util.concurrent.locks.ReentrantLock;

/*
 * The slow half of the GIL: everything that waits, chosen once at construction per policy, in the
 * shape of java.util.concurrent.locks.ReentrantLock's Sync, FairSync and NonfairSync. Gil keeps the
 * state every path shares (holder, gate, acquisitions, waiters; see GilFields) and the uncontended
 * paths, and calls in here only when a thread must wait, hand the GIL on, or drop it on request.
 *
 * What the policies share, here: the mutex (ceval_gil.c's gil->mutex), the waiter count and its
 * Dekker pairing with release, the drop request, and recovery of a dead holder. What differs, in
 * the subclasses: who gets the GIL next and how the dropper waits for its next turn. CpythonSync
 * is ceval_gil.c's take_gil/drop_gil with FORCE_SWITCHING; FairSync is a FIFO hand-off with
 * priority for threads coming back from I/O. Each subclass's block comment is its design.
 *
 * Drop requests [1]. A waiter sleeps at most one switch interval. If it wakes with the GIL still
 * held and no tenure begun since it started sleeping (`acquisitions`, ceval_gil.c's switch_number,
 * unchanged), it sets the drop request by CASing the gate from the holder to DROP_REQUEST (see
 * Gil's block comment for the gate). So a holder that runs checkpoints keeps the GIL at most about
 * one interval while others wait. A CAS that fails because the gate is neither the holder nor the
 * request (the holder is mid-acquire) is retried after RETRY_NANOS.
 *
 * Waking. A waiter increments `waiters` under the mutex before its last CAS; a releaser clears
 * `holder` (volatile) before reading `waiters` (volatile): one of them sees the other, so a release
 * never misses a waiter and an uncontended release never takes the mutex.
 *
 * A waiter does nothing between arriving and arming its drop request that could take long: no
 * class loading, no logging, no JFR event creation (see GilBookkeeping).
 *
 * References.
 *  [1] CPython, Python/ceval_gil.c (3.2+), and Antoine Pitrou's "new GIL" (bpo-7753).
 */

/**
 * The hand-off policy of a {@link Gil}: its waits, hand-offs and drops. The design is in this
 * file's block comment; {@link FairSync} and {@link CpythonSync} are the two policies.
 */
abstract sealed class GilSync permits FairSync, CpythonSync, DeterministicSync {
  /** Wait before retrying a drop request that did not land (the holder was mid-acquire). */
  static final long RETRY_NANOS = 50_000;

  final Gil gil;
  final GilBookkeeping books;

  /** Guards the policy's queues and conditions, every field of {@link #books}, and all sleeping. */
  final ReentrantLock mutex = new ReentrantLock();

  GilSync(Gil gil) {
    this.gil = gil;
    this.books = new GilBookkeeping(gil);
  }

  static GilSync of(Gil gil, GilPolicy policy) {
    return policy == GilPolicy.FAIR ? new FairSync(gil) : new CpythonSync(gil);
  }

  // ---------------------------------------------------------------- what Gil calls

  /** Waits for the GIL; returns holding it. Keeps an interrupt in the thread's status. */
  final void acquireContended(Thread me, boolean comingBack) {
    boolean interrupted;
    mutex.lock();
    try {
      long start = System.nanoTime();
      waitersInc();
      if (gil.casHolder(null, me)) {
        waitersDec();
        gil.began(me);
        tookFree(start);
        return;
      }
      interrupted = await(me, comingBack, start);
    } finally {
      mutex.unlock();
    }
    if (interrupted) {
      me.interrupt();
    }
  }

  /** The holder {@code me} gives the GIL up while {@code waiters} was non-zero. */
  abstract void releaseToWaiters(Thread me);

  /**
   * {@code me} freed the GIL (holder and gate cleared) seeing no waiter, then saw one arrive: make
   * sure that waiter is not left asleep beside a free GIL.
   */
  abstract void releasedBeforeLateWaiter(Thread me);

  /**
   * The holder lets a waiter have the GIL and waits for its next turn (forced switching).
   *
   * @param requested whether a drop request caused it (else {@code sleep(0)})
   */
  abstract void switchAway(Thread me, boolean requested);

  /** The switch interval changed: wake every waiter, so that it measures against the new one. */
  final void intervalChanged() {
    mutex.lock();
    try {
      wakeWaiters();
    } finally {
      mutex.unlock();
    }
  }

  // ---------------------------------------------------------------- what the policies implement

  /** Mutex held: wake every sleeping waiter; each re-reads the interval and sleeps again. */
  abstract void wakeWaiters();

  /**
   * Mutex held, {@code waiters} counts the caller, whose CAS on a free GIL failed: wait until it
   * holds the GIL.
   *
   * @return whether the thread was interrupted while waiting
   */
  abstract boolean await(Thread me, boolean comingBack, long start);

  /** Mutex held: the caller of acquireContended found the GIL free and took it at {@code now}. */
  void tookFree(long now) {}

  /**
   * Mutex held: whether the holder {@code current} has run since it got the GIL; the watchdog
   * blames only a holder that runs and passes no checkpoint, not one granted the GIL that the
   * operating system has not woken yet.
   */
  boolean isRunning(Thread current) {
    return true;
  }

  /** Mutex held: a waiter woke after a whole period and found the GIL free. */
  abstract void foundFree();

  /** Mutex held: the GIL was taken back from a dead holder and is free. */
  abstract void afterRecovery();

  // ---------------------------------------------------------------- shared machinery, mutex held

  /**
   * A waiter slept a whole period without getting the GIL: recover a dead holder, report a stalled
   * one, and ask for a drop if no tenure began meanwhile (or {@code always}).
   *
   * @return false when a drop request should be retried soon (it did not land)
   */
  final boolean periodElapsed(long seen, boolean always) {
    Thread current = gil.holder;
    if (current == null) {
      foundFree();
      return true;
    }
    if (!current.isAlive()) {
      recover(current);
      return true;
    }
    long tenure = gil.acquisitionsOpaque();
    books.watchdog(current, tenure, gil.gateOpaque() == Gil.DROP_REQUEST && isRunning(current));
    if (always || tenure == seen) {
      return requestDrop(current);
    }
    return true;
  }

  /**
   * @return whether a drop request is now pending on {@code current}'s tenure
   */
  final boolean requestDrop(Thread current) {
    Object gate = gil.gateOpaque();
    if (gate == Gil.DROP_REQUEST) {
      return true;
    }
    if ((gate == current || gate == Gil.BREAK) && gil.casGate(gate, Gil.DROP_REQUEST)) {
      books.dropRequested(current, gil.acquisitionsOpaque());
      return true;
    }
    return false;
  }

  /** The holder ended without releasing; take the GIL back from it. */
  private void recover(Thread dead) {
    if (!gil.casHolder(dead, null)) {
      return;
    }
    gil.setGateOpaque(null);
    books.recovered(dead);
    afterRecovery();
  }

  final void waitersInc() {
    int n = gil.waiters;
    gil.waiters = n + 1;
    if (n == 0) {
      books.contendedFrom(System.nanoTime());
    }
  }

  final void waitersDec() {
    int n = gil.waiters - 1;
    gil.waiters = n;
    if (n == 0) {
      books.contendedUntil(System.nanoTime());
    }
  }
}
