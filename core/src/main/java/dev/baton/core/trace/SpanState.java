package dev.baton.core.trace;

/** What a lane is doing during a {@link Span}; the diagrams colour each state differently. */
public enum SpanState {
  /** Working: holding the GIL, running a callback or a task step, computing in a worker (blue). */
  RUNNING,
  /** Ready to work but waiting to take the GIL (the third colour, the one PyCharm omits). */
  WAITING_FOR_GIL,
  /** Inside a blocking section: waiting for I/O, a sleep, a join, a result (red). */
  WAITING_FOR_IO,
  /** Nothing to do: an event loop with no ready callback, a worker with no task. */
  IDLE;

  /**
   * @return the state's name in diagrams and exports: "running", "waiting for GIL", "waiting for
   *     I/O", "idle"
   */
  public String displayName() {
    return switch (this) {
      case RUNNING -> "running";
      case WAITING_FOR_GIL -> "waiting for GIL";
      case WAITING_FOR_IO -> "waiting for I/O";
      case IDLE -> "idle";
    };
  }
}
