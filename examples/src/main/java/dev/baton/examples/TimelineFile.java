package dev.baton.examples;

import dev.baton.core.trace.Lane;
import dev.baton.core.trace.LaneKind;
import dev.baton.core.trace.Span;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads back a timeline that another JVM wrote with core's ChromeTraceExporter (the agent's {@code
 * trace=FILE}), so that the tour can draw it like its own: thread names from the {@code
 * thread_name} metadata events, spans from the complete events, whose {@code cat} is the span's
 * state. Only that exporter's own output is read; anything else yields no span.
 */
final class TimelineFile {
  private static final Pattern THREAD_NAME =
      Pattern.compile(
          "\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":(\\d+),\"tid\":(\\d+),\"args\":\\{\"name\":"
              + "\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static final Pattern SPAN =
      Pattern.compile(
          "\"cat\":\"([A-Z_]+)\",\"ph\":\"X\",\"pid\":(\\d+),\"tid\":(\\d+),\"ts\":([0-9.]+),"
              + "\"dur\":([0-9.]+)");

  private TimelineFile() {}

  /**
   * @param file a trace-event JSON file written by ChromeTraceExporter
   * @return its spans, on one lane per thread (with the writer's thread names)
   * @throws IOException if the file cannot be read
   */
  static TraceSnapshot read(Path file) throws IOException {
    String json = Files.readString(file);
    Map<String, Lane> lanes = new HashMap<>();
    Matcher names = THREAD_NAME.matcher(json);
    while (names.find()) {
      long pid = Long.parseLong(names.group(1));
      long tid = Long.parseLong(names.group(2));
      String name = names.group(3).replace("\\\"", "\"").replace("\\\\", "\\");
      lanes.put(pid + "/" + tid, new Lane(tid, LaneKind.THREAD, name, pid));
    }
    List<Span> spans = new ArrayList<>();
    Matcher m = SPAN.matcher(json);
    while (m.find()) {
      SpanState state;
      try {
        state = SpanState.valueOf(m.group(1));
      } catch (IllegalArgumentException e) {
        continue; // a state this build does not know
      }
      long pid = Long.parseLong(m.group(2));
      long tid = Long.parseLong(m.group(3));
      Lane lane =
          lanes.computeIfAbsent(
              pid + "/" + tid, k -> new Lane(tid, LaneKind.THREAD, "thread " + tid, pid));
      long start = Math.round(Double.parseDouble(m.group(4)) * 1000);
      long duration = Math.round(Double.parseDouble(m.group(5)) * 1000);
      spans.add(new Span(lane, state, start, start + duration, null));
    }
    return TraceSnapshot.of(spans, List.of());
  }
}
