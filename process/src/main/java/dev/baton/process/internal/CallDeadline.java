package dev.baton.process.internal;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A pool's call deadline ({@link TrackedDeadline}): a task it expires goes through {@link
 * PoolScheduler#expire}, which has the pool take it back (a process pool kills and replaces the
 * worker running it; a cluster pool cancels it on its member) and fails its future on a callback
 * thread.
 */
public final class CallDeadline extends TrackedDeadline {
  private final PoolScheduler<?, ?> pool;

  /**
   * @param pool the pool
   * @param timeout how long the call may take, from now
   * @param call what the caller called, for the message (e.g. {@code "map(fn, items, 1, PT1S)"})
   */
  public CallDeadline(PoolScheduler<?, ?> pool, Duration timeout, String call) {
    super(timeout, call);
    this.pool = pool;
    arm(fire -> pool.schedule(fire, timeout.toNanos()));
  }

  @Override
  protected void expire(CompletableFuture<Object> task) {
    pool.expire(
        task,
        (id, where) ->
            new TimeoutException(
                "task "
                    + id
                    + " missed the deadline of "
                    + timeout()
                    + " set by "
                    + call()
                    + "; "
                    + where));
  }
}
