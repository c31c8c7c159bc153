package dev.baton.process.internal;

import java.util.concurrent.ScheduledFuture;

/**
 * A task on its way through a {@link PoolEngine}: queued, sent to a worker, settled.
 *
 * <p>Its fields other than the future are guarded by the engine's lock.
 */
final class Job {
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

  final long id;
  final Payloads.TaskBody body;
  final TaskFuture future;
  int retriesLeft;
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

  /**
   * Whether its future is the caller's (from {@code submit}): then it completes on a callback
   * thread. A future the pool keeps to itself (a blocking call's, an iterator's) has no user
   * dependents, so the reader completes it with the undecoded answer and the waiting caller decodes
   * it ({@link WorkerAnswer}).
   */
  final boolean exposed;

  Job(long id, Payloads.TaskBody body, int retries, boolean exposed, PoolEngine engine) {
    this.id = id;
    this.body = body;
    this.retriesLeft = retries;
    this.exposed = exposed;
    this.future = new TaskFuture(this, engine);
  }
}
