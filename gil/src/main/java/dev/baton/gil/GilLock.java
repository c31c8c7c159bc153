package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;

/**
 * Python's {@code threading.Lock}, GIL-aware: a plain mutual-exclusion lock that is <em>not</em>
 * reentrant and that <em>any</em> thread may release, not only the one that acquired it.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Acquiring and releasing are GIL checkpoints on entry ({@link #isLocked()} is a plain
 *       snapshot). {@link #lock()} and {@link #tryLock(Duration)} first try to take the lock
 *       without waiting; only when they must wait do they run the wait inside a {@link Blocking}
 *       section, so a GIL runtime thread releases its GIL just for the wait and holds it again when
 *       the call returns or throws.
 *   <li>The holder acquiring again blocks (Python deadlocks the same way): use {@link GilRLock} for
 *       reentrancy.
 *   <li>No fairness: a thread arriving while the lock is free may take it before a queued waiter,
 *       as in CPython.
 *   <li>Interrupts: the blocking forms check the interrupt status on entry and while waiting and
 *       throw {@link InterruptedException} without the lock.
 * </ul>
 *
 * <h2>Misuse</h2>
 *
 * <p>{@link #unlock()} of an unlocked lock throws {@link BatonMisuseException} naming the thread.
 *
 * <pre>{@code
 * GilLock lock = new GilLock();
 * try (HeldLock held = lock.hold()) {
 *   counter.value++; // one thread at a time, and the GIL is released only while waiting for the lock
 * }
 * }</pre>
 */
public final class GilLock implements GilAcquirable {

  /** State 0 = unlocked, 1 = locked; AQS queues the waiters. */
  private static final class Sync extends AbstractQueuedSynchronizer {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean tryAcquire(int ignored) {
      return compareAndSetState(0, 1);
    }

    @Override
    protected boolean tryRelease(int ignored) {
      return compareAndSetState(1, 0);
    }

    /** "Owned" as Python's {@code Condition} sees a plain lock: locked, by anyone. */
    @Override
    protected boolean isHeldExclusively() {
      return getState() == 1;
    }

    boolean isLocked() {
      return getState() == 1;
    }

    Condition newCondition() {
      return new ConditionObject();
    }
  }

  private final Sync sync = new Sync();
  private final HeldLock held = this::unlock;

  /** Creates an unlocked lock. */
  public GilLock() {}

  @Override
  public void lock() throws InterruptedException {
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (sync.tryAcquire(1)) {
      return;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.waitUntil(this, () -> sync.tryAcquire(1), -1);
      return;
    }
    Blocking.run(() -> sync.acquireInterruptibly(1));
  }

  @Override
  public boolean tryLock(Duration timeout) throws InterruptedException {
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (sync.tryAcquire(1)) {
      return true;
    }
    if (nanos == 0) {
      return false;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      return scheduler.waitUntil(this, () -> sync.tryAcquire(1), nanos);
    }
    return Blocking.call(() -> sync.tryAcquireNanos(1, nanos));
  }

  @Override
  public boolean tryLock() {
    Waits.checkpoint();
    return sync.tryAcquire(1);
  }

  /**
   * Unlocks the lock. Any thread may call it, as in Python, and a waiter (if any) then acquires it.
   * Python: {@code lock.release()}.
   *
   * @throws BatonMisuseException if the lock is not locked
   */
  @Override
  public void unlock() {
    Waits.checkpoint();
    if (!sync.release(1)) {
      throw new BatonMisuseException(
          Waits.currentThreadName()
              + " unlocked "
              + this
              + " but it is not locked; call unlock() once per lock() that returned, or per"
              + " tryLock() that returned true");
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.signal(this);
    }
  }

  @Override
  public HeldLock hold() throws InterruptedException {
    lock();
    return held;
  }

  /**
   * @return whether some thread holds the lock now (a snapshot). Python: {@code lock.locked()}
   */
  @Override
  public boolean isLocked() {
    return sync.isLocked();
  }

  /** A scheduled condition wait gives the lock up (GilCondition); the caller's lock is locked. */
  void unlockForScheduledWait(DeterministicSync scheduler) {
    sync.release(1);
    scheduler.signal(this);
  }

  /** A scheduled condition wait takes the lock back, waiting on the schedule. */
  void relockAfterScheduledWait(DeterministicSync scheduler) {
    scheduler.waitUntil(this, () -> sync.tryAcquire(1), -1);
  }

  /**
   * @return a condition bound to this lock, built on the JDK's {@code AbstractQueuedSynchronizer}
   */
  Condition newCondition() {
    return sync.newCondition();
  }

  @Override
  public String toString() {
    return Waits.identity(this) + (sync.isLocked() ? "[locked]" : "[unlocked]");
  }
}
