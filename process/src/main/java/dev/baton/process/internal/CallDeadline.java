package dev.baton.process.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A process pool's call deadline ({@link TrackedDeadline}): a task it expires goes through {@link
 * PoolEngine#expire}, which kills and replaces the worker running it.
 */
public final class CallDeadline extends TrackedDeadline {
  private final PoolEngine engine;

  /**
   * @param engine the pool
   * @param timeout how long the call may take, from now
   * @param call what the caller called, for the message (e.g. {@code "map(fn, items, 1, PT1S)"})
   */
  public CallDeadline(PoolEngine engine, Duration timeout, String call) {
    super(timeout, call);
    this.engine = engine;
    arm(fire -> engine.schedule(fire, timeout.toNanos()));
  }

  @Override
  protected void expire(CompletableFuture<Object> task) {
    TaskFuture f = (TaskFuture) task;
    engine.expire(
        f,
        where ->
            new TimeoutException(
                "task "
                    + f.taskId()
                    + " missed the deadline of "
                    + timeout()
                    + " set by "
                    + call()
                    + "; "
                    + where));
  }
}
