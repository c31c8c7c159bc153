package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks (asyncio's {@code Condition}), over an {@link AsyncLock}. Method
 * names are {@link java.util.concurrent.locks.Condition}'s (and the GIL-aware {@code
 * GilCondition}'s), with suspension in place of blocking; each method's Javadoc gives the asyncio
 * name.
 *
 * <p>Threading: loop-only.
 */
public final class AsyncCondition {
  private final AsyncLock lock;
  private final Waiters waiters = new Waiters();

  /** Creates a condition with its own lock. */
  public AsyncCondition() {
    this(new AsyncLock());
  }

  /**
   * @param lock the lock the condition's waiters hold
   */
  public AsyncCondition(AsyncLock lock) {
    this.lock = Objects.requireNonNull(lock, "lock");
  }

  /**
   * @return the condition's lock: {@code lock()}, {@code unlock()} and {@code hold()} on it are
   *     Python's {@code acquire()}, {@code release()} and {@code async with cond:}
   */
  public AsyncLock lock() {
    return lock;
  }

  /**
   * Takes the condition's lock for try-with-resources, as {@code GilCondition.hold()} does. Python:
   * {@code async with cond:}.
   *
   * @return the lock's handle whose {@code close()} unlocks
   * @throws CancellationException as {@link AsyncLock#lock()}
   */
  public HeldLock hold() {
    return lock.hold();
  }

  /**
   * Releases the lock, suspends until signalled, and takes the lock back before returning, even
   * when cancelled (the cancellation is rethrown once the lock is held again). Python: {@code await
   * cond.wait()}.
   *
   * @throws CancellationException if the task is cancelled while it waits
   * @throws BatonMisuseException if the lock is not held, or outside a task
   */
  public void await() {
    awaitSignal(null);
  }

  /**
   * Like {@link #await()}, for at most {@code timeout}; the lock is held again when it returns.
   * Python: {@code await asyncio.wait_for(cond.wait(), timeout)}, without the cancellation.
   *
   * @param timeout how long to wait, zero or more
   * @return false if the timeout elapsed before a signal
   * @throws CancellationException if the task is cancelled while it waits
   * @throws BatonMisuseException if the lock is not held, or outside a task
   */
  public boolean await(Duration timeout) {
    return awaitSignal(Waiters.checkTimeout(timeout));
  }

  private boolean awaitSignal(Duration timeout) {
    waiters.bind("AsyncCondition.await");
    if (!lock.isLocked()) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" waited on an AsyncCondition without holding its lock; lock it first (or use"
              + " condition.lock().hold())");
    }
    lock.unlock();
    Future<Void> f = waiters.enqueue();
    CancellationException cancelled = null;
    boolean signalled = true;
    try {
      if (timeout == null) {
        Tasks.await(f);
      } else {
        signalled = waiters.awaitTimed(f, timeout);
      }
    } catch (CancellationException e) {
      cancelled = e;
    } finally {
      waiters.remove(f);
    }
    lock.lockIgnoringCancellation();
    if (cancelled != null) {
      throw cancelled;
    }
    return signalled;
  }

  /**
   * Waits until {@code predicate} holds, re-checking it after each signal; the lock must be held.
   * Python: {@code await cond.wait_for(predicate)}.
   *
   * @param predicate checked with the lock held
   * @return true (the predicate's last value), as {@code GilCondition.waitFor} returns it
   * @throws CancellationException if the task is cancelled while it waits
   * @throws BatonMisuseException if the lock is not held, or outside a task
   */
  public boolean waitFor(BooleanSupplier predicate) {
    Objects.requireNonNull(predicate, "predicate");
    while (!predicate.getAsBoolean()) {
      await();
    }
    return true;
  }

  /** Wakes the oldest waiter, if any. Python: {@code cond.notify()}. */
  public void signal() {
    waiters.wakeFirst();
  }

  /**
   * Wakes up to {@code n} waiters, oldest first. Python: {@code cond.notify(n)}.
   *
   * @param n how many
   */
  public void signal(int n) {
    for (int i = 0; i < n && waiters.wakeFirst(); i++) {
      // woke one
    }
  }

  /** Wakes every waiter. Python: {@code cond.notify_all()}. */
  public void signalAll() {
    waiters.wakeAll();
  }
}
