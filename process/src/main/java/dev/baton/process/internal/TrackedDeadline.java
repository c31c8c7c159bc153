package dev.baton.process.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * One caller's deadline over the tasks of one call ({@code submit}, {@code map}, {@code imap} with
 * a timeout), the part both pools share: when it passes, on the pool's timer thread, every tracked
 * task is expired by the pool ({@link #expire}); a task tracked after that is expired at once. The
 * deadline counts from the call, so a task's time in the queue counts too.
 *
 * <p>Threading: {@link #track} and {@link #close} from the caller's thread, the expiry from the
 * timer thread; the tracked list is guarded by {@code this}, which the expiry holds throughout, so
 * that {@link #close} returns only once every tracked task is expired (the caller cancels what is
 * left after it, which would let running tasks run on). {@link #expire} may take the pool's lock;
 * the pool never calls in here under it.
 */
public abstract class TrackedDeadline implements PoolCalls.Deadline {
  private final Duration timeout;
  private final String call;
  private final long deadline;

  /** Guarded by {@code this}. */
  private final List<CompletableFuture<Object>> tracked = new ArrayList<>();

  /** Guarded by {@code this}. */
  private boolean fired;

  /** Written once by {@link #arm}, read by {@link #close} on the same (caller's) thread. */
  private ScheduledFuture<?> alarm;

  /**
   * @param timeout how long the call may take, from now
   * @param call what the caller called, for the message (e.g. {@code "map(fn, items, 1, PT1S)"})
   */
  protected TrackedDeadline(Duration timeout, String call) {
    this.timeout = timeout;
    this.call = call;
    this.deadline = System.nanoTime() + timeout.toNanos();
  }

  /**
   * Starts the timer; a subclass calls it last in its constructor, once {@link #expire} can run.
   *
   * @param schedule runs its argument on the pool's timer after the given delay in nanoseconds, and
   *     returns its handle, or null when the pool no longer schedules (it refuses every task then)
   */
  protected final void arm(Function<Runnable, ScheduledFuture<?>> schedule) {
    alarm = schedule.apply(this::fire);
  }

  /**
   * Expires one tracked task, with this deadline's monitor held.
   *
   * @param task one of the pool's futures, possibly done already
   */
  protected abstract void expire(CompletableFuture<Object> task);

  /**
   * @return how long the call could take
   */
  protected final Duration timeout() {
    return timeout;
  }

  /**
   * @return what the caller called
   */
  protected final String call() {
    return call;
  }

  /**
   * Puts a task under this deadline; expires it at once when the deadline has passed.
   *
   * @param task the task's future, one of this pool's
   */
  @Override
  public final void track(CompletableFuture<Object> task) {
    synchronized (this) {
      if (!fired) {
        tracked.add(task);
        return;
      }
      expire(task);
    }
  }

  @Override
  public final boolean passed() {
    return System.nanoTime() - deadline >= 0;
  }

  @Override
  public final TimeoutException missed(String what) {
    return new TimeoutException(
        what + " missed the deadline of " + timeout + " set by " + call + "; it was never sent");
  }

  private synchronized void fire() {
    if (fired) {
      return;
    }
    fired = true;
    for (CompletableFuture<Object> task : tracked) {
      expire(task);
    }
    tracked.clear();
  }

  /**
   * Ends the call: stops the timer, and when the deadline has passed, makes sure every tracked task
   * is expired first (waiting for the timer thread if it is at it).
   */
  @Override
  public final void close() {
    if (alarm != null) {
      alarm.cancel(false);
    }
    synchronized (this) {
      if (passed()) {
        fire();
      }
      tracked.clear();
    }
  }
}
