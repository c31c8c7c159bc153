package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.BlockingCallable;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link GilLock} and {@link GilRLock} have in common, and what a {@link GilCondition} can be
 * built on: Python's lock protocol ({@code acquire(blocking, timeout)}, {@code release()}, {@code
 * with lock:}) under the names and return conventions of {@link java.util.concurrent.locks.Lock};
 * each method's Javadoc gives the Python name.
 *
 * <p>Every method but {@link #isLocked()} is a GIL checkpoint on entry. A call that has to wait
 * runs the wait inside a {@link dev.baton.core.Blocking} section, so a GIL runtime thread releases
 * its GIL only while it really waits and takes it back before returning, however the wait ends.
 * Unlike {@code Lock.lock()}, {@link #lock()} is interruptible (as {@code Lock.lockInterruptibly()}
 * is).
 */
public sealed interface GilAcquirable permits GilLock, GilRLock {

  /**
   * Acquires the lock, waiting as long as it takes. Python: {@code lock.acquire()}.
   *
   * @throws InterruptedException if the thread is interrupted on entry or while waiting; the lock
   *     is then not acquired
   */
  void lock() throws InterruptedException;

  /**
   * Acquires the lock if it becomes free within {@code timeout}. A zero timeout tries once without
   * waiting or releasing the GIL. Python: {@code lock.acquire(timeout=...)}.
   *
   * @param timeout how long to wait at most; zero or positive
   * @return whether the lock was acquired
   * @throws InterruptedException if the thread is interrupted on entry or while waiting
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  boolean tryLock(Duration timeout) throws InterruptedException;

  /**
   * Acquires the lock only if that needs no waiting; never releases the GIL and ignores the
   * interrupt status. Python: {@code lock.acquire(blocking=False)}.
   *
   * @return whether the lock was acquired
   */
  boolean tryLock();

  /**
   * Releases the lock. Python: {@code lock.release()}.
   *
   * @throws BatonMisuseException if the calling thread may not release it (see each lock's rule)
   */
  void unlock();

  /**
   * @return whether some thread holds the lock now (a snapshot, not a checkpoint). Python: {@code
   *     lock.locked()}
   */
  boolean isLocked();

  /**
   * Acquires the lock as {@link #lock()} does and returns a handle that releases it, for
   * try-with-resources. Python: {@code with lock:}.
   *
   * @return the lock's release handle
   * @throws InterruptedException as {@link #lock()}
   */
  HeldLock hold() throws InterruptedException;

  /**
   * Runs {@code body} holding the lock, acquired as {@link #lock()} does and released however the
   * body ends. Python: {@code with lock: body()}.
   *
   * @param body the critical section; its checked exception passes through unchanged
   * @param <T> its result type
   * @param <E> the checked exception it may throw
   * @return the body's result
   * @throws InterruptedException as {@link #lock()}; the body has then not run
   * @throws E as the body throws it
   */
  default <T, E extends Exception> T withLock(BlockingCallable<T, E> body)
      throws InterruptedException, E {
    Objects.requireNonNull(body, "body");
    lock();
    try {
      return body.call();
    } finally {
      unlock();
    }
  }
}
