/**
 * JDK Flight Recorder events of the event loop, under the "Baton" category: {@code
 * dev.baton.SlowCallback} ({@link dev.baton.eventloop.jfr.SlowCallbackEvent}), above 100 ms.
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
package dev.baton.eventloop.jfr;
