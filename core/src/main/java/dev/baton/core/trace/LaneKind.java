package dev.baton.core.trace;

/** What a {@link Lane} (one row of a diagram) stands for. */
public enum LaneKind {
  /** A Java thread; the tracer creates one lane per recording thread. */
  THREAD,
  /** A task of an event loop, recorded by the loop's thread. */
  TASK,
  /** A worker process of a process pool. */
  WORKER
}
