package dev.baton.process.internal;

import java.util.concurrent.ScheduledFuture;

/**
 * A process pool's task ({@link PoolJob}): what it runs, and the worker it was sent to.
 *
 * <p>Its fields other than the future are guarded by the engine's lock.
 */
final class Job extends PoolJob {
  /**
   * Tasks sent ahead to a worker: one running, one waiting in its stdin, so it never idles. A map's
   * chunks (its function is known, the chunk is small) go deeper, up to {@link #MAP_PIPELINE}: they
   * are alike, so none waits long behind another, and a worker that runs many of them back to back
   * reads and answers them in batches rather than one wake-up each.
   */
  static final int PIPELINE = 2;

  /** How many small map chunks a worker may hold. */
  static final int MAP_PIPELINE = 32;

  /** The largest chunk (its encoded items) that goes deeper than {@link #PIPELINE}. */
  static final int MAP_PIPELINE_BYTES = 64 << 10;

  /**
   * @return how deep this task may be sent ahead: {@link #MAP_PIPELINE} for a small map chunk, else
   *     {@link #PIPELINE}
   */
  int sendAhead() {
    boolean smallChunk =
        body.kind() != Payloads.CALL
            && body.functionId() != 0
            && (body.values() == null || body.values().length <= MAP_PIPELINE_BYTES);
    return smallChunk ? MAP_PIPELINE : PIPELINE;
  }

  final Payloads.TaskBody body;
  final TaskFuture future;
  WorkerProcess worker;
  ScheduledFuture<?> timer;

  /** Sent ahead to a busy worker and being taken back for an idle one ({@link Stealing}). */
  boolean stealing;

  /** When it was last sent while tracing was on (its worker ships its events), else 0. */
  long sentNanos;

  /**
   * Its caller's deadline passed ({@link PoolEngine#expire}): its future fails with the timeout,
   * its answer (a result, a cancellation) is dropped, and it is never requeued.
   */
  boolean expired;

  Job(long id, Payloads.TaskBody body, int retries, boolean exposed, PoolEngine engine) {
    super(id, retries, exposed);
    this.body = body;
    this.future = new TaskFuture(this, engine);
  }

  @Override
  public TaskFuture future() {
    return future;
  }
}
