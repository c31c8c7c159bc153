package dev.baton.gil;

import dev.baton.core.trace.MarkKind;

/**
 * The instant events the GIL records on its threads' lanes of a {@link dev.baton.core.trace.Tracer}
 * timeline (the spans are core's: a thread waiting for the GIL is {@link
 * dev.baton.core.trace.SpanState#WAITING_FOR_GIL}). {@code GilBookkeeping} records them; a reader
 * of a {@link dev.baton.core.trace.TraceSnapshot} compares a mark's kind with them.
 */
public final class GilTrace {
  /** A thread waiting for the GIL asked its holder to drop it (CPython's eval breaker). */
  public static final MarkKind DROP_REQUEST = MarkKind.of("DROP_REQUEST", "#7b3fa0");

  /** The GIL's holder dropped it for a waiter and may not take it back before the waiter ran. */
  public static final MarkKind FORCED_SWITCH = MarkKind.of("FORCED_SWITCH", "#111111");

  /** The GIL passed from one thread to another. */
  public static final MarkKind GIL_HANDOFF = MarkKind.of("GIL_HANDOFF", "#2a8f5a");

  private GilTrace() {}
}
