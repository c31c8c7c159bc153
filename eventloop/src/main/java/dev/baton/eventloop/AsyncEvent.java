package dev.baton.eventloop;

/**
 * A flag tasks can wait for (asyncio's {@code Event}): {@link #set()} wakes every waiter.
 *
 * <p>Threading: loop-only; bound to the loop of the first task that waits on it.
 */
public final class AsyncEvent {
  private final Waiters waiters = new Waiters();
  private boolean flag;

  /** Sets the flag and wakes every waiting task. */
  public void set() {
    if (!flag) {
      flag = true;
      waiters.wakeAll();
    }
  }

  /** Clears the flag. */
  public void clear() {
    flag = false;
  }

  /**
   * @return the flag
   */
  public boolean isSet() {
    return flag;
  }

  /** Suspends the current task until the flag is set; returns at once if it is. */
  public void await() {
    waiters.bind("AsyncEvent.await");
    if (flag) {
      return;
    }
    Future<Void> f = waiters.enqueue();
    try {
      Tasks.await(f);
    } finally {
      waiters.remove(f);
    }
  }
}
