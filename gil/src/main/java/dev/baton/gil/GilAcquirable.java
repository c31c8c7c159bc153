package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;

/**
 * What {@link GilLock} and {@link GilRLock} have in common, and what a {@link GilCondition} can be
 * built on: Python's lock protocol ({@code acquire(blocking, timeout)}, {@code release()}, {@code
 * with lock:}).
 *
 * <p>Every method is a GIL checkpoint on entry. A call that has to wait runs the wait inside a
 * {@link dev.baton.core.Blocking} section, so a GIL runtime thread releases its GIL only while it
 * really waits and takes it back before returning, however the wait ends.
 */
public sealed interface GilAcquirable permits GilLock, GilRLock {

  /**
   * Acquires the lock, waiting as long as it takes.
   *
   * @throws InterruptedException if the thread is interrupted on entry or while waiting; the lock
   *     is then not acquired
   */
  void acquire() throws InterruptedException;

  /**
   * Acquires the lock if it becomes free within {@code timeout}. A zero timeout tries once without
   * waiting or releasing the GIL.
   *
   * @param timeout how long to wait at most; zero or positive
   * @return whether the lock was acquired
   * @throws InterruptedException if the thread is interrupted on entry or while waiting
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  boolean acquire(Duration timeout) throws InterruptedException;

  /**
   * Acquires the lock only if that needs no waiting; never releases the GIL and ignores the
   * interrupt status.
   *
   * @return whether the lock was acquired
   */
  boolean tryAcquire();

  /**
   * Releases the lock.
   *
   * @throws BatonMisuseException if the calling thread may not release it (see each lock's rule)
   */
  void release();

  /**
   * Acquires the lock as {@link #acquire()} does and returns a handle that releases it, for
   * try-with-resources.
   *
   * @return the lock's release handle
   * @throws InterruptedException as {@link #acquire()}
   */
  HeldLock hold() throws InterruptedException;
}
