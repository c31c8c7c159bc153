package dev.baton.process.internal;

import java.util.concurrent.CompletableFuture;

/** A task's future; cancelling it removes a queued task or, when asked to, kills its worker. */
public final class TaskFuture extends CompletableFuture<Object> {
  private final Job job;
  private final PoolEngine engine;

  TaskFuture(Job job, PoolEngine engine) {
    this.job = job;
    this.engine = engine;
  }

  Job job() {
    return job;
  }

  /**
   * @return the task's id in its pool
   */
  public long taskId() {
    return job.id;
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      engine.cancelled(job, mayInterruptIfRunning);
    }
    return cancelled;
  }
}
