package dev.baton.process.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeoutException;

/**
 * One caller's deadline over the tasks of one call ({@code submit}, {@code map}, {@code imap} with
 * a timeout): when it passes, on the pool's timer thread, every tracked task not yet done is
 * expired ({@link PoolEngine#expire}) with a {@link TimeoutException}, which kills and replaces the
 * worker running it; a task tracked after that is expired at once. The deadline counts from the
 * call, so a task's time in the queue counts too.
 *
 * <p>Threading: {@link #track} and {@link #close} from the caller's thread, the expiry from the
 * timer thread; the tracked list is guarded by {@code this}, which the expiry holds throughout (it
 * takes the pool's lock inside it; the pool never calls in here under its lock).
 */
public final class CallDeadline implements PoolCalls.Deadline {
  private final PoolEngine engine;
  private final Duration timeout;
  private final String call;
  private final long deadline;
  private final ScheduledFuture<?> timer;

  /** Guarded by {@code this}. */
  private final List<TaskFuture> tracked = new ArrayList<>();

  /** Guarded by {@code this}. */
  private boolean fired;

  /**
   * @param engine the pool
   * @param timeout how long the call may take, from now
   * @param call what the caller called, for the message (e.g. {@code "map(fn, items, 1, PT1S)"})
   */
  public CallDeadline(PoolEngine engine, Duration timeout, String call) {
    this.engine = engine;
    this.timeout = timeout;
    this.call = call;
    this.deadline = System.nanoTime() + timeout.toNanos();
    this.timer = engine.schedule(this::fire, timeout.toNanos());
  }

  /**
   * Puts a task under this deadline; expires it at once when the deadline has passed.
   *
   * @param task the task's future, one of this engine's
   */
  @Override
  public void track(CompletableFuture<Object> task) {
    TaskFuture future = (TaskFuture) task;
    boolean late;
    synchronized (this) {
      late = fired;
      if (!late) {
        tracked.add(future);
      }
    }
    if (late) {
      expire(future);
    }
  }

  @Override
  public boolean passed() {
    return System.nanoTime() - deadline >= 0;
  }

  @Override
  public TimeoutException missed(String what) {
    return new TimeoutException(
        what + " missed the deadline of " + timeout + " set by " + call + "; it was never sent");
  }

  /**
   * Expires every tracked task, holding this monitor so that {@link #close} returns only once they
   * all are (the caller cancels what is left after it, which would let running tasks run on).
   */
  private synchronized void fire() {
    if (fired) {
      return;
    }
    fired = true;
    for (TaskFuture f : tracked) {
      expire(f);
    }
    tracked.clear();
  }

  private void expire(TaskFuture f) {
    engine.expire(
        f,
        where ->
            new TimeoutException(
                "task "
                    + f.taskId()
                    + " missed the deadline of "
                    + timeout
                    + " set by "
                    + call
                    + "; "
                    + where));
  }

  /**
   * Ends the call: stops the timer, and when the deadline has passed, makes sure every tracked task
   * is expired first (waiting for the timer thread if it is at it).
   */
  @Override
  public void close() {
    if (timer != null) {
      timer.cancel(false);
    }
    synchronized (this) {
      if (passed()) {
        fire();
      }
      tracked.clear();
    }
  }
}
