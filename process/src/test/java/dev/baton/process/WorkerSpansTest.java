package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Blocking;
import dev.baton.core.trace.Lane;
import dev.baton.core.trace.Mark;
import dev.baton.core.trace.MarkKind;
import dev.baton.core.trace.Span;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Workers trace their own tasks when the parent's tracer is on and ship the events back with each
 * answer; the parent puts them on the worker's lane, aligned to its clock, between the task's send
 * and its answer.
 */
class WorkerSpansTest {
  /** An hour: the worker ships its times this far off, as a JVM with another clock origin would. */
  private static final long SKEW = 3_600_000_000_000L;

  private static final int TASKS = 3;

  @Test
  void shippedSpansLandOnTheWorkersLaneInOrderInsideEachTasksWindow() throws Exception {
    TraceSnapshot trace;
    long pid;
    try (TraceSession session = Tracer.enable()) {
      try (ProcessPool pool =
          Pools.lean(1)
              .name("spans")
              .jvmOptions("-Ddev.baton.process.worker.clockSkewNanos=" + SKEW)
              .build()) {
        pid = pool.workerPids().get(0);
        for (int i = 0; i < TASKS; i++) {
          int n = i;
          int answer =
              pool.submit(
                      () -> {
                        Blocking.run(() -> Thread.sleep(20));
                        return n * 2;
                      })
                  .get(30, TimeUnit.SECONDS);
          assertThat(answer).isEqualTo(2 * i);
        }
      } // close() waits for the worker's exit
      trace = session.snapshot();
    }
    Lane lane =
        trace.lanes().stream()
            .filter(l -> l.kind() == PoolTrace.WORKER && l.name().equals("spans-w1"))
            .findFirst()
            .orElseThrow();
    assertThat(lane.processId()).isEqualTo(pid);

    List<Span> running =
        trace.spansOf(lane).stream().filter(s -> s.state() == SpanState.RUNNING).toList();
    List<Span> io =
        trace.spansOf(lane).stream().filter(s -> s.state() == SpanState.WAITING_FOR_IO).toList();
    List<Mark> sent = marks(trace, lane, PoolTrace.TASK_SENT);
    List<Mark> received = marks(trace, lane, PoolTrace.RESULT_RECEIVED);
    assertThat(running).hasSize(TASKS).allSatisfy(s -> assertThat(s.label()).isEqualTo("task"));
    assertThat(io).hasSize(TASKS);
    assertThat(sent).hasSize(TASKS);
    assertThat(received).hasSize(TASKS);
    for (int i = 0; i < TASKS; i++) {
      long from = sent.get(i).atNanos();
      long to = received.get(i).atNanos();
      // an hour of skew shipped, so only an aligned span can fall inside its task's window
      assertThat(running.get(i).startNanos()).as("task %d start", i).isBetween(from, to);
      assertThat(running.get(i).endNanos()).as("task %d end", i).isBetween(from, to);
      assertThat(io.get(i).startNanos()).isGreaterThanOrEqualTo(running.get(i).startNanos());
      assertThat(io.get(i).endNanos()).isLessThanOrEqualTo(running.get(i).endNanos());
      if (i > 0) {
        assertThat(running.get(i).startNanos()).isGreaterThan(running.get(i - 1).endNanos());
      }
    }
    assertThat(marks(trace, lane, PoolTrace.WORKER_EXIT)).hasSize(1);
    assertThat(marks(trace, lane, PoolTrace.WORKER_CRASH)).isEmpty();
  }

  @Test
  void aWorkerRecordsOnlyWhileTheParentTraces() throws Exception {
    try (ProcessPool pool = Pools.lean(1).name("untraced").build()) {
      PoolTask<Boolean> tracing = Tracer::isEnabled;
      assertThat(pool.submit(tracing).get(30, TimeUnit.SECONDS)).isFalse();
      TraceSnapshot trace;
      try (TraceSession session = Tracer.enable()) {
        assertThat(pool.submit(tracing).get(30, TimeUnit.SECONDS)).isTrue();
        trace = session.snapshot();
      }
      assertThat(pool.submit(tracing).get(30, TimeUnit.SECONDS)).isFalse();
      // the traced task shipped its own span and nothing recorded before it
      assertThat(trace.spans())
          .filteredOn(s -> s.lane().name().equals("untraced-w1"))
          .singleElement()
          .satisfies(s -> assertThat(s.state()).isEqualTo(SpanState.RUNNING));
    }
  }

  private static List<Mark> marks(TraceSnapshot trace, Lane lane, MarkKind kind) {
    return trace.marks().stream().filter(m -> m.lane().equals(lane) && m.kind() == kind).toList();
  }
}
