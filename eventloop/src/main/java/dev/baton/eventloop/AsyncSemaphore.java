package dev.baton.eventloop;

import java.util.concurrent.CancellationException;

/**
 * A counting semaphore for tasks (asyncio's {@code Semaphore}): FIFO; a release hands its permit
 * straight to the oldest waiter. Method names are {@link java.util.concurrent.Semaphore}'s, with
 * suspension in place of blocking.
 *
 * <p>Threading: loop-only; bound to the loop of the first task that acquires it.
 */
public final class AsyncSemaphore {
  private final Waiters waiters = new Waiters();
  private int permits;

  /**
   * @param permits initial permits, zero or more
   */
  public AsyncSemaphore(int permits) {
    if (permits < 0) {
      throw new IllegalArgumentException("permits must be zero or more, got " + permits);
    }
    this.permits = permits;
  }

  /**
   * Takes a permit, suspending the current task while none is free. Python: {@code await
   * sem.acquire()}.
   *
   * @throws CancellationException if cancelled while waiting (no permit is then held)
   */
  public void acquire() {
    waiters.bind("AsyncSemaphore.acquire");
    Tasks.currentTask().throwIfCancelled();
    if (permits > 0 && waiters.isEmpty()) {
      permits--;
      return;
    }
    waiters.awaitHandOff(this::release);
  }

  /**
   * Takes a permit only if one is free now and no task waits for one; never suspends, so a plain
   * callback may call it. Python: none ({@code if not sem.locked(): await sem.acquire()}).
   *
   * @return whether the caller now holds a permit
   */
  public boolean tryAcquire() {
    if (permits > 0 && waiters.isEmpty()) {
      permits--;
      return true;
    }
    return false;
  }

  /**
   * Returns a permit, handing it to the oldest waiter if there is one. The semaphore is unbounded,
   * as asyncio's {@code Semaphore} (not {@code BoundedSemaphore}): releasing more than was acquired
   * adds permits. Python: {@code sem.release()}.
   */
  public void release() {
    if (!waiters.wakeFirst()) {
      permits++;
    }
  }

  /**
   * @return free permits (Python: {@code sem._value}; {@code locked()} is {@code == 0})
   */
  public int availablePermits() {
    return permits;
  }
}
