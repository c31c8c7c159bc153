package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Python's {@code threading.RLock}, GIL-aware: a reentrant lock with an owner and a hold count;
 * only the owner may release it, and it is free again when the count falls to zero.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Acquiring and releasing are GIL checkpoints on entry (the snapshots {@link #isLocked()},
 *       {@link #holdCount()} and {@link #isHeldByCurrentThread()} are not). The owner re-acquiring,
 *       or any thread finding the lock free, returns at once without releasing the GIL; only a
 *       thread that must wait runs the wait inside a {@link Blocking} section (the GIL is released
 *       just for the wait).
 *   <li>Built on the JDK's non-fair {@link ReentrantLock}: no fairness, as in CPython.
 *   <li>Interrupts: the blocking forms check the interrupt status on entry and while waiting and
 *       throw {@link InterruptedException} without the lock.
 * </ul>
 *
 * <h2>Misuse</h2>
 *
 * <p>{@link #unlock()} by a thread that is not the owner (including when the lock is free) throws
 * {@link BatonMisuseException} naming the thread and the owner, if any.
 */
public final class GilRLock implements GilAcquirable {

  /** Exposes the owner for misuse messages. */
  private static final class OwnedLock extends ReentrantLock {
    private static final long serialVersionUID = 1L;

    Thread owner() {
      return getOwner();
    }
  }

  private final OwnedLock lock = new OwnedLock();
  private final HeldLock held = this::unlock;

  /** Creates a free lock. */
  public GilRLock() {}

  @Override
  public void lock() throws InterruptedException {
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (lock.tryLock()) {
      return;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.waitUntil(this, lock::tryLock, -1);
      return;
    }
    Blocking.run(lock::lockInterruptibly);
  }

  @Override
  public boolean tryLock(Duration timeout) throws InterruptedException {
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (lock.tryLock()) {
      return true;
    }
    if (nanos == 0) {
      return false;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      return scheduler.waitUntil(this, lock::tryLock, nanos);
    }
    return Blocking.call(() -> lock.tryLock(nanos, TimeUnit.NANOSECONDS));
  }

  @Override
  public boolean tryLock() {
    Waits.checkpoint();
    return lock.tryLock();
  }

  /**
   * Decrements the hold count; the lock is free when it reaches zero. Python: {@code
   * rlock.release()}.
   *
   * @throws BatonMisuseException if the calling thread is not the owner
   */
  @Override
  public void unlock() {
    Waits.checkpoint();
    if (!lock.isHeldByCurrentThread()) {
      Thread owner = lock.owner();
      throw new BatonMisuseException(
          Waits.currentThreadName()
              + " unlocked "
              + this
              + (owner == null
                  ? " but the lock is free"
                  : " but it is owned by thread \"" + owner.getName() + "\"")
              + "; only the thread that acquired a GilRLock may unlock it (use GilLock for a"
              + " lock that other threads release)");
    }
    lock.unlock();
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null && !lock.isLocked()) {
      scheduler.signal(this);
    }
  }

  @Override
  public HeldLock hold() throws InterruptedException {
    lock();
    return held;
  }

  /**
   * @return whether the calling thread owns the lock
   */
  public boolean isHeldByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /**
   * @return how many times the calling thread holds the lock; zero if it is not the owner
   */
  public int holdCount() {
    return lock.getHoldCount();
  }

  /**
   * @return whether some thread owns the lock now (a snapshot)
   */
  @Override
  public boolean isLocked() {
    return lock.isLocked();
  }

  /**
   * A scheduled condition wait gives every hold up (GilCondition); the caller owns the lock.
   *
   * @return the hold count to restore
   */
  int unlockForScheduledWait(DeterministicSync scheduler) {
    int holds = lock.getHoldCount();
    for (int i = 0; i < holds; i++) {
      lock.unlock();
    }
    scheduler.signal(this);
    return holds;
  }

  /** A scheduled condition wait takes {@code holds} holds back, waiting on the schedule. */
  void relockAfterScheduledWait(DeterministicSync scheduler, int holds) {
    scheduler.waitUntil(this, lock::tryLock, -1);
    for (int i = 1; i < holds; i++) {
      lock.lock(); // reentrant: owned already
    }
  }

  /**
   * @return a condition bound to this lock; its waits release every hold and restore the count
   */
  Condition newCondition() {
    return lock.newCondition();
  }

  @Override
  public String toString() {
    Thread owner = lock.owner();
    return Waits.identity(this)
        + (owner == null ? "[free]" : "[owned by \"" + owner.getName() + "\"]");
  }
}
