package dev.baton.bench;

import dev.baton.core.trace.Lane;
import dev.baton.core.trace.LaneKind;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.Tracer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The tracer's cost at one instrumentation point (a span: {@code Tracer.now()} then {@code
 * Tracer.span(...)}): the same tiny body without instrumentation, with tracing off, and with
 * tracing on (one event recorded per operation into the thread's ring, which overwrites its oldest
 * events when full).
 */
@State(Scope.Thread)
public class TracerBench extends BenchShape.NanosPerOp {
  private int counter;

  /** Tracing on for {@link TracerBench#on()}: opened and closed around each iteration. */
  @State(Scope.Thread)
  public static class Enabled {
    TraceSession session;
    final Lane lane = Lane.of(LaneKind.THREAD, "bench");

    /** Opens a session. */
    @Setup(Level.Iteration)
    public void open() {
      session = Tracer.enable();
    }

    /** Closes it. */
    @TearDown(Level.Iteration)
    public void close() {
      session.close();
    }
  }

  /**
   * @return the counter: the body alone
   */
  @Benchmark
  public int baseline() {
    return ++counter;
  }

  /**
   * @return the counter, with an instrumentation point and tracing off
   */
  @Benchmark
  public int off() {
    long t0 = Tracer.now();
    int c = ++counter;
    Tracer.span(SpanState.RUNNING, t0);
    return c;
  }

  /**
   * @param enabled the open session
   * @return the counter, with an instrumentation point recording one span
   */
  @Benchmark
  public int on(Enabled enabled) {
    long t0 = Tracer.now();
    int c = ++counter;
    Tracer.span(SpanState.RUNNING, t0);
    return c;
  }

  /**
   * @return one clock read: a span recorded with tracing on takes two
   */
  @Benchmark
  public long nanoTime() {
    return System.nanoTime();
  }

  /**
   * @param enabled the open session
   * @return the counter, recording one span with times given: the recording path without its clock
   *     reads
   */
  @Benchmark
  public int onGivenTimes(Enabled enabled) {
    int c = ++counter;
    Tracer.span(enabled.lane, SpanState.RUNNING, c, c + 1L, null);
    return c;
  }
}
