package dev.baton.eventloop;

import java.util.ArrayDeque;

/**
 * A FIFO of futures that tasks await: the shared core of the async primitives. Loop thread only.
 */
final class Waiters {
  private final ArrayDeque<Future<Void>> queue = new ArrayDeque<>();
  private EventLoop loop;

  /** Binds to the loop of the first task that uses the primitive; later uses must match. */
  EventLoop bind(String primitive) {
    Task<?> task = Tasks.current(primitive);
    if (loop == null) {
      loop = task.loop;
    } else if (loop != task.loop) {
      throw new IllegalArgumentException(
          primitive + " is bound to loop " + loop + " and was used from loop " + task.loop);
    }
    return loop;
  }

  /** Enqueues a new waiter and suspends the current task until it is woken (or cancelled). */
  Future<Void> enqueue() {
    Future<Void> f = new Future<>(loop);
    queue.add(f);
    return f;
  }

  /**
   * Suspends the current task until a release hands it the resource. If the task is cancelled after
   * the hand-off but before it resumed, {@code passOn} gives the resource to the next waiter; the
   * cancellation is rethrown either way.
   */
  void awaitHandOff(Runnable passOn) {
    Future<Void> turn = enqueue();
    try {
      Tasks.await(turn);
    } catch (CancelledException e) {
      if (turn.pendingPlain() || turn.isCancelled()) {
        remove(turn);
      } else {
        passOn.run();
      }
      throw e;
    }
  }

  void remove(Future<Void> f) {
    queue.remove(f);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Wakes the oldest waiter still pending.
   *
   * @return whether one was woken
   */
  boolean wakeFirst() {
    Future<Void> f;
    while ((f = queue.poll()) != null) {
      if (f.pendingPlain()) {
        f.setResult(null);
        return true;
      }
    }
    return false;
  }

  /** Wakes every waiter. */
  void wakeAll() {
    while (wakeFirst()) {
      // wake the next one
    }
  }

  int size() {
    return queue.size();
  }
}
