package dev.baton.eventloop;

import dev.baton.core.trace.LaneKind;
import dev.baton.core.trace.MarkKind;

/**
 * What an event loop records on a {@link dev.baton.core.trace.Tracer} timeline besides its thread's
 * spans: one lane per {@link Task}, and a mark for each slow callback. A reader of a {@link
 * dev.baton.core.trace.TraceSnapshot} compares a lane's or a mark's kind with these.
 */
public final class LoopTrace {
  /** A task of an event loop, recorded by the loop's thread; its rows read "task NAME". */
  public static final LaneKind TASK = LaneKind.of("TASK", "task ");

  /** An event-loop callback ran longer than the loop's slow-callback threshold. */
  public static final MarkKind SLOW_CALLBACK = MarkKind.of("SLOW_CALLBACK", "#e0701a");

  private LoopTrace() {}
}
