package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;

/**
 * Python's {@code threading.Semaphore}, GIL-aware: a counter of permits; {@link #acquire()} takes
 * one, waiting while there is none, and {@link #release(int)} gives permits back.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Any thread may acquire or release; a permit is not owned by the thread that took it.
 *   <li>Acquiring and releasing are GIL checkpoints on entry ({@link #availablePermits()} is a
 *       plain snapshot). An acquire that finds a permit takes it without releasing the GIL; only a
 *       thread that must wait runs the wait inside a {@link Blocking} section (the GIL is released
 *       just for the wait).
 *   <li>No fairness, as in CPython: a thread arriving when a permit is free may take it before a
 *       queued waiter. Built on the JDK's {@link AbstractQueuedSynchronizer} in shared mode, as
 *       {@link java.util.concurrent.Semaphore} is (which cannot be bounded).
 *   <li>Interrupts: the blocking forms check the interrupt status on entry and while waiting and
 *       throw {@link InterruptedException} without a permit.
 * </ul>
 *
 * <h2>Misuse</h2>
 *
 * <p>A release that would push the count past {@link Integer#MAX_VALUE} throws {@link
 * BatonMisuseException}; {@link GilBoundedSemaphore} also throws it past its initial value.
 */
public sealed class GilSemaphore permits GilBoundedSemaphore {

  /** State = available permits, never negative and never above {@link #bound}. */
  private static final class Permits extends AbstractQueuedSynchronizer {
    private static final long serialVersionUID = 1L;

    private final int bound;

    Permits(int initial, int bound) {
      this.bound = bound;
      setState(initial);
    }

    @Override
    protected int tryAcquireShared(int wanted) {
      for (; ; ) {
        int available = getState();
        int remaining = available - wanted;
        if (remaining < 0 || compareAndSetState(available, remaining)) {
          return remaining;
        }
      }
    }

    /** Returns false, changing nothing, when the release would pass the bound or overflow. */
    @Override
    protected boolean tryReleaseShared(int released) {
      for (; ; ) {
        int available = getState();
        int next = available + released;
        if (next < available || next > bound) {
          return false;
        }
        if (compareAndSetState(available, next)) {
          return true;
        }
      }
    }

    int available() {
      return getState();
    }
  }

  private final Permits permits;

  /** Creates a semaphore with one permit, as Python's {@code Semaphore()} does. */
  public GilSemaphore() {
    this(1);
  }

  /**
   * Creates a semaphore with {@code value} permits.
   *
   * @param value the initial number of permits; zero or positive
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public GilSemaphore(int value) {
    this(value, Integer.MAX_VALUE);
  }

  GilSemaphore(int value, int bound) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "value (the initial number of permits) must be zero or positive, was " + value);
    }
    this.permits = new Permits(value, bound);
  }

  /**
   * Takes a permit, waiting as long as it takes. Python: {@code sem.acquire()}.
   *
   * @throws InterruptedException if interrupted on entry or while waiting; no permit is taken
   */
  public final void acquire() throws InterruptedException {
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (permits.tryAcquireShared(1) >= 0) {
      return;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.waitUntil(this, () -> permits.tryAcquireShared(1) >= 0, -1);
      return;
    }
    Blocking.run(() -> permits.acquireSharedInterruptibly(1));
  }

  /**
   * Takes a permit if one becomes free within {@code timeout}. A zero timeout tries once without
   * waiting or releasing the GIL. Python: {@code sem.acquire(timeout=...)}.
   *
   * @param timeout how long to wait at most; zero or positive
   * @return whether a permit was taken
   * @throws InterruptedException if interrupted on entry or while waiting; no permit is taken
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  public final boolean tryAcquire(Duration timeout) throws InterruptedException {
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (permits.tryAcquireShared(1) >= 0) {
      return true;
    }
    if (nanos == 0) {
      return false;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      return scheduler.waitUntil(this, () -> permits.tryAcquireShared(1) >= 0, nanos);
    }
    return Blocking.call(() -> permits.tryAcquireSharedNanos(1, nanos));
  }

  /**
   * Takes a permit only if one is free now; never releases the GIL and ignores the interrupt
   * status. Python: {@code sem.acquire(blocking=False)}.
   *
   * @return whether a permit was taken
   */
  public final boolean tryAcquire() {
    Waits.checkpoint();
    return permits.tryAcquireShared(1) >= 0;
  }

  /**
   * Gives back one permit, waking a waiter if any. Python: {@code sem.release()}.
   *
   * @throws BatonMisuseException if the count would pass the semaphore's bound; nothing is released
   *     then
   */
  public final void release() {
    release(1);
  }

  /**
   * Gives back {@code n} permits, waking up to {@code n} waiters: Python's {@code release(n)}.
   *
   * @param n how many permits; one or more
   * @throws IllegalArgumentException if {@code n} is less than one
   * @throws BatonMisuseException if the count would pass the semaphore's bound; nothing is released
   *     then
   */
  public final void release(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n (permits to release) must be one or more, was " + n);
    }
    Waits.checkpoint();
    if (!permits.releaseShared(n)) {
      throw new BatonMisuseException(
          Waits.currentThreadName()
              + " released "
              + n
              + " permit(s) of "
              + this
              + ", which would raise its value past "
              + (permits.bound == Integer.MAX_VALUE
                  ? "the maximum " + Integer.MAX_VALUE
                  : "its initial value " + permits.bound)
              + "; release only permits that were acquired");
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.signal(this);
    }
  }

  /**
   * @return the number of permits free now (a snapshot)
   */
  public final int availablePermits() {
    return permits.available();
  }

  int bound() {
    return permits.bound;
  }

  @Override
  public String toString() {
    return Waits.identity(this) + "[permits=" + permits.available() + "]";
  }
}
