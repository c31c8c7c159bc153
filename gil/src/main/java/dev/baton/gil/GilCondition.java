package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

/**
 * Python's {@code threading.Condition}, GIL-aware, over a {@link GilLock} or a {@link GilRLock}.
 *
 * <p>Java reserves {@code wait}/{@code notify}/{@code notifyAll} for monitors, so Python's names
 * map to: {@code wait} → {@link #await()}, {@code wait_for} → {@link #waitFor(BooleanSupplier)},
 * {@code notify} → {@link #signal()}, {@code notify_all} → {@link #signalAll()}.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Waiting and signalling need the lock: for a {@link GilRLock} the calling thread must own
 *       it; for a {@link GilLock}, as in Python, it must be locked (by anyone).
 *   <li>A wait releases the lock (every hold of a {@link GilRLock}) and the GIL, sleeps until
 *       signalled, interrupted or timed out, then takes back the lock and, last, the GIL; so the
 *       lock is never awaited while holding the GIL. Every method is a GIL checkpoint on entry.
 *   <li>Wake-ups may be spurious, as in Python: wait in a loop, or use {@link #waitFor}.
 *   <li>Built on the JDK's {@link Condition} of the underlying lock.
 * </ul>
 *
 * <h2>Misuse</h2>
 *
 * <p>Waiting or signalling without the lock throws {@link BatonMisuseException}.
 *
 * <pre>{@code
 * GilCondition ready = new GilCondition();
 * try (HeldLock held = ready.hold()) {
 *   ready.waitFor(() -> !jobs.isEmpty());
 *   jobs.remove();
 * }
 * }</pre>
 */
public final class GilCondition {

  private final GilAcquirable lock;
  private final Condition condition;

  /**
   * Under a schedule, the waiters not yet signalled, oldest first. Only the thread holding the
   * scheduled GIL touches it (one thread runs at a time; hand-offs go through the schedule's
   * mutex).
   */
  private final ArrayDeque<Object> scheduledWaiters = new ArrayDeque<>();

  /** Creates a condition over a new {@link GilRLock}, as Python's {@code Condition()} does. */
  public GilCondition() {
    this(new GilRLock());
  }

  /**
   * Creates a condition over {@code lock}.
   *
   * @param lock the lock to wait and signal under
   * @throws NullPointerException if {@code lock} is null
   */
  public GilCondition(GilAcquirable lock) {
    this.lock = Objects.requireNonNull(lock, "lock");
    this.condition =
        switch (lock) {
          case GilLock plain -> plain.newCondition();
          case GilRLock reentrant -> reentrant.newCondition();
        };
  }

  /**
   * @return the lock this condition waits and signals under
   */
  public GilAcquirable lock() {
    return lock;
  }

  /**
   * Acquires the underlying lock for try-with-resources, as its {@link GilAcquirable#hold()} does.
   * Python: {@code with cond:}; its {@code cond.acquire()} and {@code cond.release()} are {@code
   * lock().lock()} and {@code lock().unlock()}.
   *
   * @return the lock's release handle
   * @throws InterruptedException as {@link GilAcquirable#lock()}
   */
  public HeldLock hold() throws InterruptedException {
    return lock.hold();
  }

  /**
   * Releases the lock and waits until signalled or interrupted, then reacquires the lock. Python:
   * {@code cond.wait()}.
   *
   * @throws InterruptedException if interrupted on entry or while waiting; the lock is held again
   *     when it is thrown
   * @throws BatonMisuseException if the caller does not hold the lock
   */
  public void await() throws InterruptedException {
    Waits.checkpoint();
    requireOwned("await");
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      awaitScheduled(scheduler, -1);
      return;
    }
    Blocking.run(condition::await);
  }

  /**
   * Releases the lock and waits until signalled, interrupted or {@code timeout} has passed, then
   * reacquires the lock. A zero timeout still releases and reacquires the lock. Python: {@code
   * cond.wait(timeout)}.
   *
   * @param timeout how long to wait at most; zero or positive
   * @return false if the timeout passed, true if signalled (or woken spuriously) before
   * @throws InterruptedException if interrupted on entry or while waiting; the lock is held again
   *     when it is thrown
   * @throws BatonMisuseException if the caller does not hold the lock
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    requireOwned("await");
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      return awaitScheduled(scheduler, nanos);
    }
    return Blocking.call(() -> condition.await(nanos, TimeUnit.NANOSECONDS));
  }

  /**
   * Waits until {@code predicate} is true: Python's {@code wait_for}. The predicate is evaluated
   * with the lock (and the GIL, on a runtime thread) held, first before any wait.
   *
   * @param predicate the state to wait for
   * @return true (the predicate's last value)
   * @throws InterruptedException if interrupted on entry or while waiting
   * @throws BatonMisuseException if the caller does not hold the lock
   * @throws NullPointerException if {@code predicate} is null
   */
  public boolean waitFor(BooleanSupplier predicate) throws InterruptedException {
    Objects.requireNonNull(predicate, "predicate");
    Waits.checkpoint();
    requireOwned("waitFor");
    while (!predicate.getAsBoolean()) {
      await();
    }
    return true;
  }

  /**
   * Waits until {@code predicate} is true or {@code timeout} has passed: Python's {@code
   * wait_for(predicate, timeout)}.
   *
   * @param predicate the state to wait for, evaluated with the lock held
   * @param timeout how long to wait at most in total; zero or positive
   * @return the predicate's last value: false means the timeout passed first
   * @throws InterruptedException if interrupted on entry or while waiting
   * @throws BatonMisuseException if the caller does not hold the lock
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if an argument is null
   */
  public boolean waitFor(BooleanSupplier predicate, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(predicate, "predicate");
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    requireOwned("waitFor");
    long deadline = System.nanoTime() + nanos;
    boolean result = predicate.getAsBoolean();
    while (!result) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      await(Duration.ofNanos(remaining));
      result = predicate.getAsBoolean();
    }
    return result;
  }

  /**
   * Wakes one waiter, if any: Python's {@code notify()}. The waiter runs once it has the lock back.
   *
   * @throws BatonMisuseException if the caller does not hold the lock
   */
  public void signal() {
    signal(1);
  }

  /**
   * Wakes up to {@code n} waiters: Python's {@code notify(n)}.
   *
   * @param n how many waiters to wake at most; zero or positive
   * @throws IllegalArgumentException if {@code n} is negative
   * @throws BatonMisuseException if the caller does not hold the lock
   */
  public void signal(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be zero or positive, was " + n);
    }
    Waits.checkpoint();
    requireOwned("signal");
    for (int i = 0; i < n; i++) {
      condition.signal();
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      for (int i = 0; i < n && !scheduledWaiters.isEmpty(); i++) {
        scheduledWaiters.removeFirst();
      }
      scheduler.signal(this);
    }
  }

  /**
   * Wakes every waiter: Python's {@code notify_all()}.
   *
   * @throws BatonMisuseException if the caller does not hold the lock
   */
  public void signalAll() {
    Waits.checkpoint();
    requireOwned("signalAll");
    condition.signalAll();
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduledWaiters.clear();
      scheduler.signal(this);
    }
  }

  /**
   * A wait under a schedule: the waiter's ticket is queued, the lock given up, the wait is the
   * schedule's (so a signal nobody sends is a deadlock the schedule reports, and a timeout runs on
   * its virtual clock), then the lock is taken back on the schedule.
   *
   * @return whether a signal took the ticket (false: the timeout passed)
   */
  private boolean awaitScheduled(DeterministicSync scheduler, long nanos) {
    Object ticket = new Object();
    scheduledWaiters.addLast(ticket);
    int holds =
        switch (lock) {
          case GilLock plain -> {
            plain.unlockForScheduledWait(scheduler);
            yield 1;
          }
          case GilRLock reentrant -> reentrant.unlockForScheduledWait(scheduler);
        };
    boolean signalled = false;
    try {
      signalled = scheduler.waitUntil(this, () -> !scheduledWaiters.contains(ticket), nanos);
    } finally {
      if (!signalled) {
        scheduledWaiters.remove(ticket);
      }
      switch (lock) {
        case GilLock plain -> plain.relockAfterScheduledWait(scheduler);
        case GilRLock reentrant -> reentrant.relockAfterScheduledWait(scheduler, holds);
      }
    }
    return signalled;
  }

  private void requireOwned(String operation) {
    boolean owned =
        switch (lock) {
          case GilLock plain -> plain.isLocked();
          case GilRLock reentrant -> reentrant.isHeldByCurrentThread();
        };
    if (!owned) {
      throw new BatonMisuseException(
          Waits.currentThreadName()
              + " called "
              + operation
              + " on a condition over "
              + lock
              + " without holding the lock; acquire the condition's lock first (try (HeldLock held ="
              + " condition.hold()) { ... })");
    }
  }

  @Override
  public String toString() {
    return Waits.identity(this) + "(" + lock + ")";
  }
}
