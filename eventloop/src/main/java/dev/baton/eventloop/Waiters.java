package dev.baton.eventloop;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;

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
    } catch (CancellationException e) {
      if (turn.pendingPlain() || turn.isCancelled()) {
        remove(turn);
      } else {
        passOn.run();
      }
      throw e;
    }
  }

  /**
   * Suspends the current task until {@code f} is woken or {@code timeout} elapses; {@code f} is out
   * of the queue when this returns or throws.
   *
   * @return false if the timeout woke it
   * @throws CancellationException if the task is cancelled meanwhile
   */
  boolean awaitTimed(Future<Void> f, Duration timeout) {
    Expiry expiry = new Expiry(f);
    TimerHandle timer = loop.callLater(timeout, expiry);
    try {
      Tasks.await(f);
    } finally {
      timer.cancel();
      remove(f);
    }
    return !expiry.fired;
  }

  /** Checks a timeout argument of a timed wait. */
  static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be zero or positive, got " + timeout);
    }
    return timeout;
  }

  /** Wakes a waiter whose time is up, and remembers that it did. */
  private static final class Expiry implements Runnable {
    private final Future<Void> waiter;
    boolean fired;

    Expiry(Future<Void> waiter) {
      this.waiter = waiter;
    }

    @Override
    public void run() {
      if (waiter.pendingPlain()) {
        fired = true;
        waiter.setResult(null);
      }
    }

    @Override
    public String toString() {
      return "timeout of a wait";
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
