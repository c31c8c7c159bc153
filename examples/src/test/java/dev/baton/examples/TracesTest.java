package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.trace.ChromeTraceExporter;
import dev.baton.core.trace.Lane;
import dev.baton.core.trace.LaneKind;
import dev.baton.core.trace.Span;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracesTest {
  @TempDir Path dir;

  private static Output quiet() {
    PrintWriter sink = new PrintWriter(new StringWriter());
    return new Output(false, sink, sink);
  }

  @Test
  void writesTheSvgAndTheTraceJsonOfWhatRan() throws Exception {
    Traces traces = new Traces(dir, quiet());
    int result =
        traces.record(
            "demo-mode",
            "A demo",
            () -> {
              long t0 = Tracer.now();
              Thread.sleep(2);
              Tracer.span(SpanState.RUNNING, t0, "work");
              return 42;
            });
    assertThat(result).isEqualTo(42);
    assertThat(Tracer.isEnabled()).isFalse();
    assertThat(traces.written())
        .singleElement()
        .satisfies(w -> assertThat(w.title()).isEqualTo("A demo"));
    String svg = Files.readString(dir.resolve("demo-mode.svg"));
    assertThat(svg).startsWith("<").contains("A demo").contains("data-state=\"RUNNING\"");
    JsonNode json = new ObjectMapper().readTree(dir.resolve("demo-mode.trace.json").toFile());
    assertThat(json.toString()).contains("running").contains("work");
  }

  @Test
  void withoutADirectoryItOnlyRuns() throws Exception {
    Traces traces = new Traces(null, quiet());
    assertThat(traces.on()).isFalse();
    assertThat(traces.record("x", "X", () -> Tracer.isEnabled())).isFalse();
    assertThat(traces.written()).isEmpty();
  }

  @Test
  void rejectsNamesThatAreNotPlainFileNames() {
    Traces traces = new Traces(dir, quiet());
    assertThatThrownBy(() -> traces.record("../up", "t", () -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("trace name must be lower-case letters, digits and dashes");
  }

  @Test
  void aTimelineAChildJvmWroteIsDrawnAndJoinsTheIndexWithItsThreadsAndSpans() throws Exception {
    Lane main = new Lane(7, LaneKind.THREAD, "main \"quoted\"", 4242);
    Lane worker = new Lane(8, LaneKind.THREAD, "worker-1", 4242);
    TraceSnapshot child =
        TraceSnapshot.of(
            List.of(
                new Span(main, SpanState.RUNNING, 1_000_000, 3_000_000, null),
                new Span(worker, SpanState.WAITING_FOR_GIL, 1_000_000, 3_000_000, null),
                new Span(worker, SpanState.RUNNING, 3_000_000, 4_500_000, null)),
            List.of());
    ChromeTraceExporter.write(child, dir.resolve("agent-cpu.trace.json"));

    Traces traces = new Traces(dir, quiet());
    traces.adoptTimelines("agent", System.currentTimeMillis() - 60_000);

    assertThat(traces.written())
        .singleElement()
        .satisfies(w -> assertThat(w.svg()).isEqualTo(dir.resolve("agent-cpu.svg")));
    TraceSnapshot read = TimelineFile.read(dir.resolve("agent-cpu.trace.json"));
    assertThat(read.lanes()).extracting(Lane::name).contains("main \"quoted\"", "worker-1");
    assertThat(read.spans()).hasSize(3);
    assertThat(read.spans())
        .extracting(Span::state)
        .containsExactlyInAnyOrder(SpanState.RUNNING, SpanState.WAITING_FOR_GIL, SpanState.RUNNING);
    assertThat(Files.readString(dir.resolve("agent-cpu.svg"))).contains("worker-1");
    traces.writeIndex("t", "intro");
    assertThat(Files.readString(dir.resolve("index.html")))
        .contains("<img src=\"agent-cpu.svg\"")
        .contains("<a href=\"agent-cpu.trace.json\">");
  }

  @Test
  void aTimelineFromBeforeTheRunIsNotAdopted() throws Exception {
    Files.writeString(dir.resolve("agent-old.trace.json"), "{}");
    Traces traces = new Traces(dir, quiet());
    traces.adoptTimelines("agent", System.currentTimeMillis() + 60_000);
    assertThat(traces.written()).isEmpty();
  }
}
