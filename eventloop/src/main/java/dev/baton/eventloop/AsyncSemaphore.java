package dev.baton.eventloop;

/**
 * A counting semaphore for tasks (asyncio's {@code Semaphore}): FIFO; a release hands its permit
 * straight to the oldest waiter.
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
   * Takes a permit, suspending the current task while none is free.
   *
   * @throws CancelledException if cancelled while waiting (no permit is then held)
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

  /** Returns a permit, handing it to the oldest waiter if there is one. */
  public void release() {
    if (!waiters.wakeFirst()) {
      permits++;
    }
  }

  /**
   * @return free permits
   */
  public int availablePermits() {
    return permits;
  }
}
