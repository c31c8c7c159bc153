package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.util.concurrent.CancellationException;

/**
 * A mutual-exclusion lock for tasks of one loop (asyncio's {@code Lock}): FIFO, non-reentrant; an
 * {@link #unlock()} hands the lock straight to the oldest waiter, so no task can barge in. Not
 * thread-safe: it serializes tasks, which already never run in parallel, across their awaits.
 * Method names are {@link java.util.concurrent.locks.Lock}'s (and the GIL-aware {@code GilLock}'s),
 * with suspension in place of blocking; each method's Javadoc gives the asyncio name.
 *
 * <pre>{@code
 * try (HeldLock held = lock.hold()) { // Python: async with lock:
 *   // other tasks run meanwhile, but none of them enters here
 * }
 * }</pre>
 *
 * <p>Threading: loop-only; bound to the loop of the first task that uses it.
 */
public final class AsyncLock {

  private final Waiters waiters = new Waiters();
  private final HeldLock held = this::unlock;
  private boolean locked;

  /**
   * Takes the lock, suspending the current task while another holds it. Python: {@code await
   * lock.acquire()}.
   *
   * @throws CancellationException if the task is cancelled while it waits (it then does not hold
   *     the lock)
   * @throws BatonMisuseException outside a task
   */
  public void lock() {
    waiters.bind("AsyncLock.lock");
    Tasks.currentTask().throwIfCancelled();
    if (!locked) {
      locked = true;
      return;
    }
    waiters.awaitHandOff(this::unlock);
  }

  /**
   * Takes the lock only if it is free now; never suspends, so a plain callback may call it. Python:
   * none ({@code if not lock.locked(): await lock.acquire()} is the idiom).
   *
   * @return whether the caller now holds the lock
   */
  public boolean tryLock() {
    if (locked) {
      return false; // held, or handed to a waiter that has not resumed yet
    }
    locked = true;
    return true;
  }

  /**
   * {@link #lock()}, for try-with-resources. Python: {@code async with lock:}.
   *
   * @return the handle whose {@code close()} unlocks
   * @throws CancellationException as {@link #lock()}
   */
  public HeldLock hold() {
    lock();
    return held;
  }

  /** Takes the lock whatever the task's cancellation state, for a condition's wake-up. */
  void lockIgnoringCancellation() {
    if (!locked) {
      locked = true;
      return;
    }
    Task<?> task = Tasks.currentTask();
    while (true) {
      Future<Void> turn = waiters.enqueue();
      Tasks.awaitIgnoringCancellation(task, turn);
      if (!turn.isCancelled()) {
        return; // handed over by unlock()
      }
      waiters.remove(turn);
      if (!locked) {
        locked = true;
        return;
      }
    }
  }

  /**
   * Releases the lock, handing it to the oldest waiter if there is one. Any task or callback of the
   * loop may release it, as in asyncio. Python: {@code lock.release()}.
   *
   * @throws BatonMisuseException if it is not locked
   */
  public void unlock() {
    if (!locked) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" released an AsyncLock not locked; call unlock() once per lock() that"
              + " returned, or use withLock/hold");
    }
    if (!waiters.wakeFirst()) {
      locked = false;
    }
  }

  /**
   * @return whether some task holds it (Python: {@code locked()})
   */
  public boolean isLocked() {
    return locked;
  }

  /**
   * Runs {@code body} holding the lock, and unlocks however it ends.
   *
   * @param body the critical section; may await
   * @param <T> its result type
   * @return the body's result
   * @throws java.util.concurrent.CompletionException around a checked failure of the body
   */
  public <T> T withLock(TaskBody<T> body) {
    lock();
    try {
      return body.run();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    } finally {
      unlock();
    }
  }

  @Override
  public String toString() {
    return "AsyncLock[" + (locked ? "locked, " + waiters.size() + " waiting" : "unlocked") + "]";
  }
}
