package dev.baton.core.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Blocking;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** core/README.md's tracing sample, as written there (examples' ReadmeSamplesTest checks it). */
class ReadmeSampleTest {

  private static long compute() {
    long sum = 0;
    for (int i = 0; i < 100_000; i++) {
      sum += (long) i * i;
    }
    return sum;
  }

  @Test
  void sampleRunsAsDocumented(@TempDir Path dir) throws Exception {
    // README begin
    TraceSnapshot trace;
    try (TraceSession session = Tracer.enable()) {
      long t0 = Tracer.now(); // 0 while tracing is off
      compute();
      Tracer.span(SpanState.RUNNING, t0, "compute"); // this thread worked from t0 until now
      Blocking.run(() -> Thread.sleep(20)); // recorded as waiting for I/O
      trace = session.snapshot();
    }
    SvgExporter.write(trace, dir.resolve("run.svg"), "One thread: work, then I/O");
    ChromeTraceExporter.write(trace, dir.resolve("run.trace.json"));
    new HtmlReport("My runs").figure("run.svg", "Work, then I/O").write(dir.resolve("index.html"));
    // README end
    assertThat(Files.readString(dir.resolve("run.svg"))).startsWith("<svg").contains("compute");
    assertThat(Files.readString(dir.resolve("run.trace.json"))).contains("compute");
    assertThat(Files.readString(dir.resolve("index.html"))).contains("run.svg");
  }
}
