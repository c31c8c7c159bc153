package dev.baton.examples;

import dev.baton.core.trace.ChromeTraceExporter;
import dev.baton.core.trace.HtmlReport;
import dev.baton.core.trace.SvgExporter;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The diagrams of one command's run ({@code --trace DIR}): each traced part of the run becomes
 * {@code DIR/NAME.svg} (the talk's style of figure) and {@code DIR/NAME.trace.json} (Chrome
 * trace-event JSON, for Perfetto). Without a directory, {@link #record} just runs the action.
 *
 * <p>Threading: confined to the command's thread. Only one trace is recorded at a time (tracing is
 * global to the JVM).
 */
final class Traces {
  /** Events kept per thread: enough for a full run of any example, oldest dropped beyond. */
  static final int EVENTS_PER_THREAD = 1 << 16;

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");

  /**
   * One diagram written.
   *
   * @param name the file name without extension
   * @param title the diagram's title
   * @param svg the SVG file
   * @param json the trace-event JSON file
   */
  record Written(String name, String title, Path svg, Path json) {}

  /** Something traced. */
  @FunctionalInterface
  interface Action<T> {
    T run() throws Exception;
  }

  private final Path dir;
  private final Output out;
  private final List<Written> written = new ArrayList<>();

  /**
   * @param dir where diagrams go, or null for none
   * @param out where to say which files were written
   */
  Traces(Path dir, Output out) {
    this.dir = dir;
    this.out = out;
  }

  /**
   * @return whether diagrams are being written
   */
  boolean on() {
    return dir != null;
  }

  /**
   * Runs {@code action}, tracing it when diagrams are on.
   *
   * @param name file name without extension: lower-case letters, digits and dashes, e.g. {@code
   *     io-threads}
   * @param title the diagram's title
   * @param action what to trace
   * @return the action's result
   * @throws IllegalArgumentException if {@code name} is not a valid file name
   * @throws IOException if the files cannot be written
   * @throws Exception whatever the action throws (no diagram is written then)
   */
  <T> T record(String name, String title, Action<T> action) throws Exception {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "trace name must be lower-case letters, digits and dashes, got '" + name + "'");
    }
    if (dir == null) {
      return action.run();
    }
    T result;
    TraceSnapshot snapshot;
    try (TraceSession session = Tracer.enable(EVENTS_PER_THREAD)) {
      result = action.run();
      session.close();
      snapshot = session.snapshot();
    }
    Files.createDirectories(dir);
    Path svg = dir.resolve(name + ".svg");
    Path json = dir.resolve(name + ".trace.json");
    SvgExporter.write(snapshot, svg, title);
    ChromeTraceExporter.write(snapshot, json);
    written.add(new Written(name, title, svg, json));
    out.printf(
        "(diagram: %s, %s, %s%s; timeline for Perfetto: %s)%n",
        svg,
        count(snapshot.lanes().size(), "lane"),
        count(snapshot.spans().size(), "span"),
        snapshot.droppedEvents() > 0 ? ", " + snapshot.droppedEvents() + " oldest dropped" : "",
        json.getFileName());
    return result;
  }

  /**
   * Draws the timelines a child JVM of the command wrote into the directory ({@code
   * PREFIX*.trace.json} files modified since {@code sinceMillis}, not written here) and counts them
   * among this run's diagrams, so that they appear on the index page like the others.
   *
   * @param prefix the command's name
   * @param sinceMillis when the command started, in epoch milliseconds
   * @throws IOException if a file cannot be read or the diagram written
   */
  void adoptTimelines(String prefix, long sinceMillis) throws IOException {
    if (dir == null || !Files.isDirectory(dir)) {
      return;
    }
    List<Path> known = written.stream().map(w -> w.json().toAbsolutePath()).toList();
    List<Path> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*.trace.json")) {
      files.forEach(found::add);
    }
    found.sort(null);
    for (Path json : found) {
      if (known.contains(json.toAbsolutePath())
          || Files.getLastModifiedTime(json).toMillis() < sinceMillis) {
        continue;
      }
      TraceSnapshot snapshot = TimelineFile.read(json);
      if (snapshot.spans().isEmpty()) {
        continue;
      }
      String file = json.getFileName().toString();
      String name = file.substring(0, file.length() - ".trace.json".length());
      Path svg = dir.resolve(name + ".svg");
      String title = "./baton " + prefix + ": the timeline its child JVM wrote (" + file + ")";
      SvgExporter.write(snapshot, svg, title);
      written.add(new Written(name, title, svg, json));
      out.printf(
          "(diagram: %s, %s, drawn from %s)%n", svg, count(snapshot.lanes().size(), "lane"), file);
    }
  }

  /** "1 lane", "2 lanes". */
  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /**
   * Writes {@code DIR/index.html}, a page of the diagrams written so far, each linked to its
   * timeline file; nothing when diagrams are off or none was written.
   *
   * @param title the page's title
   * @param intro the paragraph above the diagrams
   * @return the page written, or null
   * @throws IOException if the page cannot be written
   */
  Path writeIndex(String title, String intro) throws IOException {
    if (dir == null || written.isEmpty()) {
      return null;
    }
    HtmlReport report = new HtmlReport(title).paragraph(intro);
    addFigures(report, written);
    Path index = dir.resolve("index.html");
    report.write(index);
    out.printf("All diagrams: %s%n", index);
    return index;
  }

  /** Adds each diagram to {@code report}, with a link to its timeline file. */
  static void addFigures(HtmlReport report, List<Written> diagrams) {
    for (Written diagram : diagrams) {
      report.figure(
          diagram.svg().getFileName().toString(),
          diagram.title(),
          diagram.json().getFileName().toString());
    }
  }

  /**
   * @return the diagrams written so far, in order
   */
  List<Written> written() {
    return List.copyOf(written);
  }
}
