package dev.baton.process.internal;

/**
 * What happened to a task when the worker that held it let go of it (it died, was killed, or
 * dropped the task), and so what the scheduler does with it: the one decision behind a pool's
 * requeue, retry and failure rules, written once and applied by {@link PoolScheduler#settleLocked}.
 * A cluster's dispatcher has the same cases: a task that never reached its member is {@link
 * #NEVER_STARTED}, one whose member was lost while it held it {@link #MAY_HAVE_RUN}.
 */
public enum TaskFate {
  /** It was answered, or its future is complete already (cancelled, past its deadline). */
  FINISHED,

  /** Its worker was killed because it ran longer than the task timeout. */
  TIMED_OUT,

  /** Its worker dropped it unstarted, answering the cancel of a steal: it goes elsewhere. */
  STOLEN,

  /**
   * Its worker ended while it was the oldest task it had not answered: it may have run, whole or in
   * part, even when the pool was taking it back (a cancel the worker did not answer proves
   * nothing).
   */
  MAY_HAVE_RUN,

  /** It was sent behind the task its worker was running: a worker runs its tasks in order. */
  NEVER_STARTED;

  /** What the scheduler does with a task. */
  public enum Step {
    /** Nothing: its future is settled. */
    NOTHING,
    /** Back to the front of the queue, costing no retry: it never ran. */
    REQUEUE,
    /** Back to the front of the queue, costing one of its retries. */
    RETRY,
    /** Its future fails with a {@link java.util.concurrent.TimeoutException}. */
    FAIL_TIMEOUT,
    /** Its future fails with a {@link dev.baton.process.WorkerCrashedException}. */
    FAIL_CRASHED
  }

  /**
   * @param retriesLeft the retries the task has left
   * @param retriesAllowed false when the pool is being shut down now: nothing is retried
   * @return what to do with a task of this fate: a task runs at most once unless it has retries
   */
  public Step step(int retriesLeft, boolean retriesAllowed) {
    return switch (this) {
      case FINISHED -> Step.NOTHING;
      case TIMED_OUT -> Step.FAIL_TIMEOUT;
      case STOLEN, NEVER_STARTED -> Step.REQUEUE;
      case MAY_HAVE_RUN -> retriesLeft > 0 && retriesAllowed ? Step.RETRY : Step.FAIL_CRASHED;
    };
  }
}
