package dev.baton.core.trace;

import dev.baton.core.internal.JsonString;
import dev.baton.core.trace.internal.Text;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a trace in the Chrome trace-event JSON format, which <a
 * href="https://ui.perfetto.dev">Perfetto</a> and {@code chrome://tracing} open (the format Ruby's
 * gvl-tracing writes for its GVL timelines).
 *
 * <p>Each process of the trace (this JVM, each worker) is a trace process; each lane is a trace
 * thread, named after the lane and ordered by lane id. Spans are complete events ({@code "ph":
 * "X"}) named after their state ("running", "waiting for GIL", "waiting for I/O", "idle") with the
 * span's label in {@code args.label}; marks are thread-scoped instant events ({@code "ph": "i"}).
 * Times are microseconds from the snapshot's start, with nanosecond decimals. The output is a
 * function of the snapshot: the same snapshot gives the same bytes.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class ChromeTraceExporter {
  private ChromeTraceExporter() {}

  /**
   * Writes {@code snapshot} to {@code file} (UTF-8), creating parent directories.
   *
   * @param snapshot the trace
   * @param file where to write, conventionally {@code NAME.trace.json}
   * @throws IOException if the file cannot be written
   */
  public static void write(TraceSnapshot snapshot, Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    String json = toJson(snapshot);
    Text.writeFile(file, json);
  }

  /**
   * @param snapshot the trace
   * @return the trace as a Chrome trace-event JSON object
   */
  public static String toJson(TraceSnapshot snapshot) {
    Objects.requireNonNull(snapshot, "snapshot");
    long origin = snapshot.startNanos();
    StringBuilder out = new StringBuilder(256 + 160 * snapshot.spans().size());
    out.append("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"producer\":\"Baton\",")
        .append("\"droppedEvents\":")
        .append(snapshot.droppedEvents())
        .append(",\"durationNs\":")
        .append(snapshot.durationNanos())
        .append("},\n\"traceEvents\":[");
    boolean[] first = {true};
    Map<Long, String> processes = new LinkedHashMap<>();
    for (Lane lane : snapshot.lanes()) {
      processes.putIfAbsent(lane.processId(), processName(lane));
    }
    for (Map.Entry<Long, String> process : processes.entrySet()) {
      event(out, first)
          .append("\"name\":\"process_name\",\"ph\":\"M\",\"pid\":")
          .append(process.getKey())
          .append(",\"tid\":0,\"args\":{\"name\":")
          .append(JsonString.quote(process.getValue()))
          .append("}}");
    }
    int sortIndex = 0;
    for (Lane lane : snapshot.lanes()) {
      event(out, first)
          .append("\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":")
          .append(lane.processId())
          .append(",\"tid\":")
          .append(lane.id())
          .append(",\"args\":{\"name\":")
          .append(JsonString.quote(lane.name()))
          .append("}}");
      event(out, first)
          .append("\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":")
          .append(lane.processId())
          .append(",\"tid\":")
          .append(lane.id())
          .append(",\"args\":{\"sort_index\":")
          .append(sortIndex++)
          .append("}}");
    }
    for (Span span : snapshot.spans()) {
      event(out, first)
          .append("\"name\":")
          .append(JsonString.quote(span.state().displayName()))
          .append(",\"cat\":\"")
          .append(span.state().name())
          .append("\",\"ph\":\"X\",\"pid\":")
          .append(span.lane().processId())
          .append(",\"tid\":")
          .append(span.lane().id())
          .append(",\"ts\":")
          .append(Text.fixed(span.startNanos() - origin, 3))
          .append(",\"dur\":")
          .append(Text.fixed(span.durationNanos(), 3))
          .append(",\"cname\":\"")
          .append(chromeColour(span.state()))
          .append('"');
      if (span.label() != null) {
        out.append(",\"args\":{\"label\":").append(JsonString.quote(span.label())).append('}');
      }
      out.append('}');
    }
    for (Mark mark : snapshot.marks()) {
      event(out, first)
          .append("\"name\":")
          .append(JsonString.quote(mark.kind().displayName()))
          .append(",\"cat\":\"")
          .append(mark.kind().name())
          .append("\",\"ph\":\"i\",\"s\":\"t\",\"pid\":")
          .append(mark.lane().processId())
          .append(",\"tid\":")
          .append(mark.lane().id())
          .append(",\"ts\":")
          .append(Text.fixed(mark.atNanos() - origin, 3));
      if (mark.label() != null) {
        out.append(",\"args\":{\"label\":").append(JsonString.quote(mark.label())).append('}');
      }
      out.append('}');
    }
    return out.append("\n]}\n").toString();
  }

  private static StringBuilder event(StringBuilder out, boolean[] first) {
    if (!first[0]) {
      out.append(',');
    }
    first[0] = false;
    return out.append("\n{");
  }

  private static String processName(Lane lane) {
    if (lane.processId() == Lane.currentProcessId()) {
      return "baton (pid " + lane.processId() + ")";
    }
    String kind = lane.kind() == LaneKind.THREAD ? "process" : lane.kind().name();
    return kind.toLowerCase(Locale.ROOT) + " (pid " + lane.processId() + ")";
  }

  private static String chromeColour(SpanState state) {
    return switch (state) {
      case RUNNING -> "thread_state_running";
      case WAITING_FOR_GIL -> "thread_state_runnable";
      case WAITING_FOR_IO -> "thread_state_iowait";
      case IDLE -> "thread_state_sleeping";
    };
  }
}
