// Writes a small page of real diagrams for scripts/render-check.sh when no page is given:
// a traced run of a CPU-bound loop and of three threads that wait for I/O (sleeps inside
// Blocking.run). Run with core's classes on the class path:
//   java -cp core/target/classes scripts/TraceDemo.java OUT_DIR
import dev.baton.core.Blocking;
import dev.baton.core.trace.ChromeTraceExporter;
import dev.baton.core.trace.HtmlReport;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.SvgExporter;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class TraceDemo {
  static volatile long sink;

  static void work(long millis) {
    long t0 = Tracer.now();
    long end = System.nanoTime() + millis * 1_000_000L;
    long x = 0;
    while (System.nanoTime() < end) {
      x += x * 31 + 7;
    }
    sink = x;
    Tracer.span(SpanState.RUNNING, t0);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    TraceSnapshot cpu;
    try (TraceSession session = Tracer.enable()) {
      for (int i = 0; i < 4; i++) {
        work(15);
      }
      cpu = session.snapshot();
    }
    TraceSnapshot io;
    try (TraceSession session = Tracer.enable()) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 1; t <= 3; t++) {
        threads.add(
            Thread.ofPlatform()
                .name("request-" + t)
                .start(
                    () -> {
                      for (int i = 0; i < 3; i++) {
                        work(3);
                        try {
                          Blocking.run(() -> Thread.sleep(20));
                        } catch (InterruptedException e) {
                          Thread.currentThread().interrupt();
                          return;
                        }
                      }
                    }));
      }
      for (Thread thread : threads) {
        thread.join();
      }
      io = session.snapshot();
    }
    SvgExporter.write(cpu, dir.resolve("demo-cpu.svg"), "A CPU-bound program");
    ChromeTraceExporter.write(io, dir.resolve("demo-io.trace.json"));
    new HtmlReport("Baton trace render check")
        .paragraph("Diagrams of two real runs, drawn by Baton's SVG exporter.")
        .figure("demo-cpu.svg", "One thread computing: blue all the way.")
        .figure(io, "An I/O-bound program, threading version", "Three threads: work (blue), wait for I/O (red).")
        .write(dir.resolve("index.html"));
  }
}
