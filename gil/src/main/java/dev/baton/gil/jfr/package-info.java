/**
 * JDK Flight Recorder events of the GIL, so that {@code -XX:StartFlightRecording} and JDK Mission
 * Control show them under the "Baton" category ({@code GilBookkeeping} emits them):
 *
 * <ul>
 *   <li>{@code dev.baton.GilWait} ({@link dev.baton.gil.jfr.GilWaitEvent}), above 1 ms;
 *   <li>{@code dev.baton.GilHandoff} ({@link dev.baton.gil.jfr.GilHandoffEvent}), instant, with its
 *       latency;
 *   <li>{@code dev.baton.DropRequest} ({@link dev.baton.gil.jfr.DropRequestEvent}), instant.
 * </ul>
 *
 * <p>Instrumentation uses JFR's own idiom: {@code new}, {@code begin()}, the work, {@code end()},
 * then fill the fields and {@code commit()} only if {@code shouldCommit()}. With no recording
 * running the JIT removes all of it; thresholds are the defaults and can be changed in a JFR
 * settings file. The events are independent of {@link dev.baton.core.trace.Tracer}: either can be
 * on without the other.
 *
 * <p>Not exported: the event classes are not API, their names and field names are (listed in the
 * module's README); a consumer reads them by name ({@code jdk.jfr.consumer.RecordingStream}).
 *
 * <p>Threading: an event object belongs to the thread that created it.
 */
package dev.baton.gil.jfr;
