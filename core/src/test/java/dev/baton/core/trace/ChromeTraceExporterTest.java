package dev.baton.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChromeTraceExporterTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<JsonNode> events(JsonNode root, String phase) {
    List<JsonNode> out = new ArrayList<>();
    root.get("traceEvents")
        .forEach(
            e -> {
              if (e.get("ph").asText().equals(phase)) {
                out.add(e);
              }
            });
    return out;
  }

  @Test
  void exportsLanesSpansAndMarksInTheTraceEventFormat() throws Exception {
    TraceSnapshot trace = SampleTraces.gilAndFriends();
    JsonNode root = JSON.readTree(ChromeTraceExporter.toJson(trace));

    assertThat(root.get("displayTimeUnit").asText()).isEqualTo("ns");
    assertThat(root.get("otherData").get("droppedEvents").asLong()).isEqualTo(3);

    List<JsonNode> metadata = events(root, "M");
    assertThat(metadata)
        .filteredOn(e -> e.get("name").asText().equals("process_name"))
        .extracting(e -> e.get("pid").asLong())
        .containsExactly(4242L, 777L);
    assertThat(metadata)
        .filteredOn(e -> e.get("name").asText().equals("thread_name"))
        .extracting(e -> e.get("tid").asLong() + "=" + e.get("args").get("name").asText())
        .containsExactly("1=main", "2=worker-1 <\"&>", "3=fetch-1", "4=worker pid 777");

    List<JsonNode> spans = events(root, "X");
    assertThat(spans).hasSize(trace.spans().size());
    JsonNode io = spans.get(5);
    assertThat(io.get("name").asText()).isEqualTo("waiting for I/O");
    assertThat(io.get("cat").asText()).isEqualTo("WAITING_FOR_IO");
    assertThat(io.get("pid").asLong()).isEqualTo(4242);
    assertThat(io.get("tid").asLong()).isEqualTo(1);
    assertThat(io.get("ts").asDouble()).isEqualTo(30_000.0); // µs from the trace's start
    assertThat(io.get("dur").asDouble()).isEqualTo(40_000.0);
    assertThat(io.get("args").get("label").asText()).isEqualTo("socket read");
    assertThat(spans.get(9).get("pid").asLong()).isEqualTo(777);
    assertThat(spans)
        .extracting(e -> e.get("name").asText())
        .contains("running", "waiting for GIL", "waiting for I/O", "idle");

    List<JsonNode> marks = events(root, "i");
    assertThat(marks)
        .extracting(e -> e.get("name").asText() + "@" + e.get("ts").asDouble())
        .containsExactly(
            "drop request@7000.0",
            "forced switch@10000.0",
            "task sent@49000.0",
            "worker crash@95000.0");
    assertThat(marks).allSatisfy(e -> assertThat(e.get("s").asText()).isEqualTo("t"));
  }

  @Test
  void keepsNanosecondsAsMicrosecondDecimals() throws Exception {
    Lane lane = SampleTraces.MAIN;
    TraceSnapshot trace =
        TraceSnapshot.of(
            List.of(new Span(lane, SpanState.RUNNING, 1_000_000_007L, 1_000_001_508L, null)),
            List.of());
    JsonNode span = events(JSON.readTree(ChromeTraceExporter.toJson(trace)), "X").get(0);
    assertThat(span.get("ts").asText()).isEqualTo("0.0");
    assertThat(span.get("dur").decimalValue()).isEqualByComparingTo("1.501");
  }

  @Test
  void exportsARecordedSessionToAFile(@TempDir Path dir) throws Exception {
    TraceSnapshot trace;
    try (TraceSession session = Tracer.enable()) {
      long t0 = Tracer.now();
      Tracer.span(SpanState.RUNNING, t0, "work");
      Tracer.mark(MarkKind.USER, "done");
      trace = session.snapshot();
    }
    Path file = dir.resolve("sub/run.trace.json");
    ChromeTraceExporter.write(trace, file);
    JsonNode root = JSON.readTree(Files.readString(file));
    assertThat(events(root, "X"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.get("args").get("label").asText()).isEqualTo("work");
              assertThat(e.get("ts").asDouble()).isGreaterThanOrEqualTo(0.0);
              assertThat(e.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
            });
    assertThat(events(root, "i"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("args").get("label").asText()).isEqualTo("done"));
    assertThat(ChromeTraceExporter.toJson(trace)).isEqualTo(Files.readString(file));
  }
}
