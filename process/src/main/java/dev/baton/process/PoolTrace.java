package dev.baton.process;

import dev.baton.core.trace.LaneKind;
import dev.baton.core.trace.MarkKind;

/**
 * What a process pool records on a {@link dev.baton.core.trace.Tracer} timeline: one lane per
 * worker process, and marks for its tasks and its life. A reader of a {@link
 * dev.baton.core.trace.TraceSnapshot} compares a lane's or a mark's kind with these.
 */
public final class PoolTrace {
  /** A worker process of a process pool, named after the worker, with its pid. */
  public static final LaneKind WORKER = LaneKind.of("WORKER", "");

  /** A task was sent to a worker process. */
  public static final MarkKind TASK_SENT = MarkKind.of("TASK_SENT", "#555555");

  /** A task's result came back from a worker process. */
  public static final MarkKind RESULT_RECEIVED = MarkKind.of("RESULT_RECEIVED", "#555555");

  /** A worker process started. */
  public static final MarkKind WORKER_START = MarkKind.of("WORKER_START", "#2a8f5a");

  /** A worker process exited normally. */
  public static final MarkKind WORKER_EXIT = MarkKind.of("WORKER_EXIT", "#2a8f5a");

  /** A worker process died while it had work. */
  public static final MarkKind WORKER_CRASH = MarkKind.of("WORKER_CRASH", "#8b0000");

  private PoolTrace() {}
}
