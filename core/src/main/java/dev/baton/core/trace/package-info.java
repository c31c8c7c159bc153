/**
 * Timeline tracing: what each thread, event-loop task and worker process was doing, and when.
 *
 * <h2>Recording</h2>
 *
 * <p>{@link dev.baton.core.trace.Tracer} is one global recorder with static methods. It is off
 * until {@link dev.baton.core.trace.Tracer#enable()} opens a {@link
 * dev.baton.core.trace.TraceSession}; while off, an instrumentation point is one opaque load of a
 * static field and a branch. While on, each event is a {@link System#nanoTime()} and a few stores
 * into the calling thread's own ring buffer: no lock, no allocation, no blocking. A full ring
 * overwrites its oldest events and the snapshot counts them as dropped; memory is bounded by the
 * ring size times the number of recording threads.
 *
 * <p>A {@link dev.baton.core.trace.Lane} is a row of the timeline (a thread, a task, a worker). A
 * {@link dev.baton.core.trace.Span} is a lane in one {@link dev.baton.core.trace.SpanState} for a
 * while: RUNNING (blue in the diagrams), WAITING_FOR_IO (red), WAITING_FOR_GIL (amber), IDLE. A
 * {@link dev.baton.core.trace.Mark} is an instant event (a drop request, a forced switch, a slow
 * callback, a worker crash, a user mark). {@link dev.baton.core.Blocking} records every blocking
 * section as WAITING_FOR_IO; the gil, eventloop and process modules record the rest.
 *
 * <p>Core names nothing of those modules: {@link dev.baton.core.trace.LaneKind} and {@link
 * dev.baton.core.trace.MarkKind} are open types, of which core declares only the thread lane and
 * the user mark. Each module above core declares the kinds it records as constants of a class of
 * its own, each mark kind with the colour the diagrams draw it in; {@link
 * dev.baton.core.trace.MarkKind} says how kinds are registered and coded.
 *
 * <h2>Exporting</h2>
 *
 * <p>A {@link dev.baton.core.trace.TraceSnapshot} (from {@link
 * dev.baton.core.trace.TraceSession#snapshot()}, or built by hand) goes to:
 *
 * <ul>
 *   <li>{@link dev.baton.core.trace.ChromeTraceExporter#write(TraceSnapshot, java.nio.file.Path)}:
 *       Chrome trace-event JSON for Perfetto and {@code chrome://tracing};
 *   <li>{@link dev.baton.core.trace.SvgExporter#write(TraceSnapshot, java.nio.file.Path, String)}:
 *       a standalone SVG in the talk's style, deterministic for a given snapshot;
 *   <li>{@link dev.baton.core.trace.HtmlReport}: a page of such diagrams with captions.
 * </ul>
 *
 * <h2>Invariants</h2>
 *
 * <ul>
 *   <li>A ring buffer is written by one thread only and belongs to one session; a snapshot reads it
 *       concurrently and discards any slot that may have been overwritten while it was copied (see
 *       {@code TraceBuffer}).
 *   <li>At most one session is open at a time; a closed session keeps its events for snapshots.
 *   <li>Times are {@link System#nanoTime()} values of this JVM; exporters show them relative to
 *       {@link dev.baton.core.trace.TraceSnapshot#startNanos()}.
 * </ul>
 */
package dev.baton.core.trace;
