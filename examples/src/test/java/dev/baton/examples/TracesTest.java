package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
