package dev.baton.eventloop;

import java.time.Duration;

/**
 * A flag tasks can wait for (asyncio's {@code Event}): {@link #set()} wakes every waiter.
 *
 * <p>Threading: loop-only; bound to the loop of the first task that waits on it.
 */
public final class AsyncEvent {
  private final Waiters waiters = new Waiters();
  private boolean flag;

  /** Sets the flag and wakes every waiting task. Python: {@code event.set()}. */
  public void set() {
    if (!flag) {
      flag = true;
      waiters.wakeAll();
    }
  }

  /** Clears the flag. Python: {@code event.clear()}. */
  public void clear() {
    flag = false;
  }

  /**
   * @return the flag (Python: {@code event.is_set()})
   */
  public boolean isSet() {
    return flag;
  }

  /**
   * Suspends the current task until the flag is set, for at most {@code timeout}; returns at once
   * if it is set. Python: {@code await asyncio.wait_for(event.wait(), timeout)}, without the
   * cancellation.
   *
   * @param timeout how long to wait, zero or more
   * @return whether the flag is set
   * @throws java.util.concurrent.CancellationException if the task is cancelled while it waits
   * @throws dev.baton.core.BatonMisuseException outside a task
   */
  public boolean await(Duration timeout) {
    Waiters.checkTimeout(timeout);
    waiters.bind("AsyncEvent.await");
    if (flag) {
      return true;
    }
    waiters.awaitTimed(waiters.enqueue(), timeout);
    return flag;
  }

  /**
   * Suspends the current task until the flag is set; returns at once if it is. Python: {@code await
   * event.wait()}.
   *
   * @throws java.util.concurrent.CancellationException if the task is cancelled while it waits
   * @throws dev.baton.core.BatonMisuseException outside a task
   */
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
