package dev.baton.eventloop;

/**
 * A mutual-exclusion lock for tasks of one loop (asyncio's {@code Lock}): FIFO, non-reentrant; a
 * release hands the lock straight to the oldest waiter, so no task can barge in. Not thread-safe:
 * it serializes tasks, which already never run in parallel, across their awaits.
 *
 * <p>Threading: loop-only; bound to the loop of the first task that uses it.
 */
public final class AsyncLock {
  private final Waiters waiters = new Waiters();
  private boolean locked;

  /**
   * Acquires the lock, suspending the current task while another holds it.
   *
   * @throws CancelledException if the task is cancelled while it waits (it then does not hold the
   *     lock)
   */
  public void acquire() {
    waiters.bind("AsyncLock.acquire");
    Tasks.currentTask().throwIfCancelled();
    if (!locked) {
      locked = true;
      return;
    }
    waiters.awaitHandOff(this::release);
  }

  /** Acquires the lock whatever the task's cancellation state, for a condition's wake-up. */
  void acquireIgnoringCancellation() {
    if (!locked) {
      locked = true;
      return;
    }
    Task<?> task = Tasks.currentTask();
    while (true) {
      Future<Void> turn = waiters.enqueue();
      Tasks.awaitIgnoringCancellation(task, turn);
      if (!turn.isCancelled()) {
        return; // handed over by release()
      }
      waiters.remove(turn);
      if (!locked) {
        locked = true;
        return;
      }
    }
  }

  /**
   * Releases the lock, handing it to the oldest waiter if there is one.
   *
   * @throws InvalidStateException if it is not locked
   */
  public void release() {
    if (!locked) {
      throw new InvalidStateException(
          "thread \"" + Thread.currentThread().getName() + "\" released an AsyncLock not locked");
    }
    if (!waiters.wakeFirst()) {
      locked = false;
    }
  }

  /**
   * @return whether some task holds it
   */
  public boolean isLocked() {
    return locked;
  }

  /**
   * Runs {@code body} holding the lock.
   *
   * @param body the critical section; may await
   * @param <T> its result type
   * @return the body's result
   */
  public <T> T withLock(TaskBody<T> body) {
    acquire();
    try {
      return body.run();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    } finally {
      release();
    }
  }
}
