package dev.baton.eventloop;

import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A condition variable for tasks (asyncio's {@code Condition}), over an {@link AsyncLock}.
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
   * @return the condition's lock
   */
  public AsyncLock lock() {
    return lock;
  }

  /**
   * Releases the lock, suspends until notified, and takes the lock back before returning, even when
   * cancelled (the cancellation is rethrown once the lock is held again).
   *
   * @throws InvalidStateException if the lock is not held
   */
  public void await() {
    waiters.bind("AsyncCondition.await");
    if (!lock.isLocked()) {
      throw new InvalidStateException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" waited on an AsyncCondition without holding its lock; acquire it first");
    }
    lock.release();
    Future<Void> f = waiters.enqueue();
    CancelledException cancelled = null;
    try {
      Tasks.await(f);
    } catch (CancelledException e) {
      cancelled = e;
    } finally {
      waiters.remove(f);
    }
    lock.acquireIgnoringCancellation();
    if (cancelled != null) {
      throw cancelled;
    }
  }

  /**
   * Waits until {@code predicate} holds, re-checking it after each notification.
   *
   * @param predicate checked with the lock held
   */
  public void awaitUntil(BooleanSupplier predicate) {
    while (!predicate.getAsBoolean()) {
      await();
    }
  }

  /**
   * Wakes up to {@code n} waiters.
   *
   * @param n how many
   */
  public void signal(int n) {
    for (int i = 0; i < n && waiters.wakeFirst(); i++) {
      // woke one
    }
  }

  /** Wakes every waiter. */
  public void signalAll() {
    waiters.wakeAll();
  }
}
