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
  IDLE
}
