package dev.baton.core.trace;

import java.util.Locale;

/** The kinds of instant events ({@link Mark}s) the tracer records. */
public enum MarkKind {
  /** A thread waiting for the GIL asked its holder to drop it (CPython's eval breaker). */
  DROP_REQUEST,
  /** The GIL's holder dropped it for a waiter and may not take it back before the waiter ran. */
  FORCED_SWITCH,
  /** The GIL passed from one thread to another. */
  GIL_HANDOFF,
  /** An event-loop callback ran longer than the loop's slow-callback threshold. */
  SLOW_CALLBACK,
  /** A task was sent to a worker process. */
  TASK_SENT,
  /** A task's result came back from a worker process. */
  RESULT_RECEIVED,
  /** A worker process started. */
  WORKER_START,
  /** A worker process exited normally. */
  WORKER_EXIT,
  /** A worker process died while it had work. */
  WORKER_CRASH,
  /** A mark placed by user code. */
  USER;

  /**
   * @return the kind's name in diagrams and exports, e.g. "drop request"
   */
  public String displayName() {
    return name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
