package dev.baton.process.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A task on its way through a {@link PoolScheduler}: queued, held by whatever runs it, settled. The
 * part both pools share; each pool's task adds where it is (a worker, a member).
 *
 * <p>Its fields other than the future are guarded by the scheduler's lock.
 */
public abstract class PoolJob {
  /** Its id in its pool, in submission order. */
  public final long id;

  /**
   * Whether its future is the caller's (from {@code submit}): then it completes on a callback
   * thread ({@link Completions}). A future the pool keeps to itself (a blocking call's, an
   * iterator's) has no user dependents, so the thread that reads the answer completes it with the
   * answer undecoded and the waiting caller decodes it ({@link PoolCalls.Undecoded}).
   */
  public final boolean exposed;

  /** Times it may run again after its holder was lost while it may have run it. */
  int retriesLeft;

  /**
   * @param id its id in its pool
   * @param retries how many times it may run again when its holder is lost
   * @param exposed whether its future goes to the caller
   */
  protected PoolJob(long id, int retries, boolean exposed) {
    this.id = id;
    this.retriesLeft = retries;
    this.exposed = exposed;
  }

  /**
   * @return its future; the same one every time
   */
  public abstract CompletableFuture<Object> future();
}
