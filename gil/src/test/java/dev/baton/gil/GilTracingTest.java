package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Blocking;
import dev.baton.core.trace.Lane;
import dev.baton.core.trace.Mark;
import dev.baton.core.trace.Span;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import dev.baton.gil.jfr.DropRequestEvent;
import dev.baton.gil.jfr.GilHandoffEvent;
import dev.baton.gil.jfr.GilWaitEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The GIL's instrumentation: what the trace timeline and JFR show of two threads sharing it. */
class GilTracingTest {
  private static final long QUOTA = 20_000;

  /**
   * Two CPU-bound threads, each looping until both have done {@link #QUOTA} iterations: the second
   * can only progress after a drop request, so the run has waits, drop requests and hand-offs.
   */
  private static void twoCpuBoundThreads(GilPolicy policy) {
    try (GilRuntime runtime =
        GilRuntime.builder()
            .name("traced")
            .policy(policy)
            .switchInterval(Duration.ofMillis(1))
            .build()) {
      long[] counts = new long[2]; // guarded by the GIL
      for (int t = 0; t < 2; t++) {
        int me = t;
        runtime.startThread(
            "cpu-" + t,
            () -> {
              while (counts[0] < QUOTA || counts[1] < QUOTA) {
                counts[me]++;
                runtime.gil().checkpoint();
              }
            });
      }
    }
  }

  private static Lane lane(TraceSnapshot trace, String name) {
    return trace.lanes().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void theTimelineShowsWhoHoldsTheGilAndWhoWaitsForIt(GilPolicy policy) {
    TraceSnapshot trace;
    try (TraceSession session = Tracer.enable()) {
      twoCpuBoundThreads(policy);
      trace = session.snapshot();
    }
    Lane cpu0 = lane(trace, "cpu-0");
    Lane cpu1 = lane(trace, "cpu-1");
    for (Lane lane : List.of(cpu0, cpu1)) {
      assertThat(trace.spansOf(lane))
          .extracting(Span::state)
          .contains(SpanState.RUNNING, SpanState.WAITING_FOR_GIL);
    }
    List<Span> running =
        trace.spans().stream()
            .filter(s -> s.state() == SpanState.RUNNING)
            .filter(s -> s.lane().equals(cpu0) || s.lane().equals(cpu1))
            .sorted(Comparator.comparingLong(Span::startNanos))
            .toList();
    for (int i = 1; i < running.size(); i++) {
      // one holder at a time: a tenure starts after the previous one ended
      assertThat(running.get(i).startNanos()).isGreaterThanOrEqualTo(running.get(i - 1).endNanos());
    }
    // the tracer is global: daemon threads left by other tests of this JVM may record marks too,
    // so look only at the marks made on this runtime's two lanes
    List<Mark> ours =
        trace.marks().stream().filter(m -> m.lane().equals(cpu0) || m.lane().equals(cpu1)).toList();
    assertThat(ours).extracting(Mark::kind).contains(GilTrace.DROP_REQUEST);
    assertThat(ours)
        .filteredOn(m -> m.kind() == GilTrace.DROP_REQUEST)
        .extracting(Mark::label)
        .isSubsetOf("cpu-0", "cpu-1");
    // waits end in hand-offs, marked on the new holder's lane
    assertThat(ours).extracting(Mark::kind).contains(GilTrace.GIL_HANDOFF);
    // one clock read ends a wait, marks its hand-off and begins the tenure: no gap between them
    for (Lane lane : List.of(cpu0, cpu1)) {
      List<Long> waitEnds =
          trace.spansOf(lane).stream()
              .filter(s -> s.state() == SpanState.WAITING_FOR_GIL)
              .map(Span::endNanos)
              .toList();
      List<Long> tenureStarts =
          trace.spansOf(lane).stream()
              .filter(s -> s.state() == SpanState.RUNNING)
              .map(Span::startNanos)
              .toList();
      List<Long> handOffs =
          ours.stream()
              .filter(m -> m.lane().equals(lane) && m.kind() == GilTrace.GIL_HANDOFF)
              .map(Mark::atNanos)
              .toList();
      // (a lane may have none: a wait after a forced switch ends without a hand-off mark)
      assertThat(handOffs).isSubsetOf(waitEnds).isSubsetOf(tenureStarts);
    }
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void aThreadBlockedOnIoLetsTheOtherRun(GilPolicy policy) {
    TraceSnapshot trace;
    try (TraceSession session = Tracer.enable()) {
      try (GilRuntime runtime =
          GilRuntime.builder()
              .name("traced-io-runtime")
              .policy(policy)
              .switchInterval(Duration.ofMillis(1))
              .build()) {
        boolean[] done = new boolean[1]; // guarded by the GIL
        boolean[] cpuStarted = new boolean[1]; // guarded by the GIL
        runtime.startThread(
            "traced-io",
            () -> {
              while (!cpuStarted[0]) {
                runtime.gil().checkpoint(); // lets the cpu thread start before the wait
              }
              try {
                Blocking.run(() -> Thread.sleep(200));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              done[0] = true;
            });
        runtime.startThread(
            "traced-cpu",
            () -> {
              cpuStarted[0] = true;
              while (!done[0]) {
                runtime.gil().checkpoint();
              }
            });
      }
      trace = session.snapshot();
    }
    Span io =
        trace.spansOf(lane(trace, "traced-io")).stream()
            .filter(s -> s.state() == SpanState.WAITING_FOR_IO)
            .findFirst()
            .orElseThrow();
    assertThat(trace.spansOf(lane(trace, "traced-cpu")))
        .filteredOn(s -> s.state() == SpanState.RUNNING)
        .anySatisfy(
            s -> {
              assertThat(s.startNanos()).isLessThan(io.endNanos());
              assertThat(s.endNanos()).isGreaterThan(io.startNanos());
            });
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void jfrRecordsWaitsDropRequestsAndHandOffs(GilPolicy policy, @TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("gil.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(GilWaitEvent.class).withThreshold(Duration.ZERO);
      recording.enable(GilHandoffEvent.class);
      recording.enable(DropRequestEvent.class);
      recording.start();
      twoCpuBoundThreads(policy);
      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().startsWith("dev.baton."))
            // JFR records the whole JVM: keep this runtime's events, not those of threads that
            // other tests of this JVM left running
            .filter(e -> "traced".equals(e.getString("runtime")))
            .toList();
    assertThat(events)
        .extracting(e -> e.getEventType().getName())
        .contains("dev.baton.GilWait", "dev.baton.GilHandoff", "dev.baton.DropRequest");
    RecordedEvent drop =
        events.stream()
            .filter(e -> e.getEventType().getName().equals("dev.baton.DropRequest"))
            .findFirst()
            .orElseThrow();
    assertThat(List.of(drop.getString("requester"), drop.getString("holder")))
        .containsExactlyInAnyOrder("cpu-0", "cpu-1");
    assertThat(events)
        .filteredOn(e -> e.getEventType().getName().equals("dev.baton.GilHandoff"))
        .allSatisfy(e -> assertThat(e.getString("toThread")).isIn("cpu-0", "cpu-1"));
  }
}
