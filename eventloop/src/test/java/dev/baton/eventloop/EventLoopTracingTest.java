package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.trace.Lane;
import dev.baton.core.trace.LaneKind;
import dev.baton.core.trace.Mark;
import dev.baton.core.trace.Span;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import dev.baton.eventloop.jfr.SlowCallbackEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's instrumentation: callbacks, task steps and sleeps on the timeline; slow callbacks. */
class EventLoopTracingTest {

  @Test
  void callbacksTaskStepsAndWaitsAreOnTheTimeline() {
    TraceSnapshot trace;
    try (TraceSession session = Tracer.enable()) {
      int result =
          EventLoop.run(
              () -> {
                EventLoop loop = EventLoop.current();
                Task<Integer> fetch =
                    loop.createTask(
                        "fetch",
                        () -> {
                          Tasks.sleep(Duration.ofMillis(20));
                          return 42;
                        });
                return await(fetch);
              });
      assertThat(result).isEqualTo(42);
      trace = session.snapshot();
    }
    Lane fetch =
        trace.lanes().stream()
            .filter(l -> l.kind() == LoopTrace.TASK && l.name().equals("fetch"))
            .findFirst()
            .orElseThrow();
    // two steps: up to the sleep, then after it
    assertThat(trace.spansOf(fetch))
        .extracting(Span::state)
        .hasSizeGreaterThanOrEqualTo(2)
        .containsOnly(SpanState.RUNNING);
    List<Span> threadSpans =
        trace.spans().stream().filter(s -> s.lane().kind() == LaneKind.THREAD).toList();
    assertThat(threadSpans).extracting(Span::state).contains(SpanState.RUNNING);
    Span wait =
        threadSpans.stream()
            .filter(s -> s.state() == SpanState.WAITING_FOR_IO)
            .max((a, b) -> Long.compare(a.durationNanos(), b.durationNanos()))
            .orElseThrow();
    // the loop slept while the task waited for its timer
    assertThat(wait.durationNanos()).isPositive();
  }

  @Test
  void aSlowCallbackIsMarkedAndRecordedInJfr(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("loop.jfr");
    TraceSnapshot trace;
    try (Recording recording = new Recording();
        TraceSession session = Tracer.enable()) {
      recording.enable(SlowCallbackEvent.class);
      recording.start();
      EventLoop loop = EventLoop.builder().name("slowpoke").build();
      loop.callSoon(
          () -> {
            try {
              Thread.sleep(EventLoop.SLOW_CALLBACK_NANOS / 1_000_000 + 20);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      loop.callSoon(loop::stop);
      loop.runForever();
      loop.close();
      recording.stop();
      recording.dump(file);
      trace = session.snapshot();
    }
    assertThat(trace.marks())
        .filteredOn(m -> m.kind() == LoopTrace.SLOW_CALLBACK)
        .extracting(Mark::label)
        .hasSize(1);
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals("dev.baton.SlowCallback"))
            .toList();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getString("loop")).isEqualTo("slowpoke");
    assertThat(events.get(0).getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(100));
  }
}
