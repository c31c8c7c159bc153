package dev.baton.core.trace;

import dev.baton.core.trace.internal.Text;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Draws a trace as a self-contained SVG timeline in the style of the talk's figures: one row per
 * lane, blue where it works, red where it waits for I/O, amber where it waits for the GIL (the
 * state the PyCharm diagram omits), grey where it idles; instant events as small triangles; a time
 * axis with units, a legend and a title.
 *
 * <p>Lanes of the same kind, name and process that never overlap in time (a thread name reused by
 * the next repeat of an experiment) share one row, whose {@code data-lane-id} lists their ids.
 *
 * <p>The drawing is a pure function of the snapshot and the title (same input, same bytes), so
 * diagrams can be committed and compared. Spans of one lane and state closer than half a pixel are
 * drawn as one box ({@code data-count} says how many), and every box is at least one pixel wide so
 * that short waits stay visible. Each lane is a {@code <g class="lane" data-lane="NAME">}; each box
 * a {@code <rect class="span" data-state="STATE">} with a {@code <title>} tooltip; each mark a
 * {@code <g class="mark" data-kind="KIND">} in its {@link MarkKind#colour()}, the legend listing
 * the kinds present in the order they were registered. A row's label is its lane's name after its
 * {@link LaneKind#rowPrefix()}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class SvgExporter {
  /** Blue: the lane is working. */
  public static final String RUNNING_COLOUR = "#3b73c8";

  /** Red: the lane waits for I/O. */
  public static final String WAITING_FOR_IO_COLOUR = "#d9412e";

  /** Amber: the lane waits for the GIL. */
  public static final String WAITING_FOR_GIL_COLOUR = "#f0a30a";

  /** Grey: the lane idles. */
  public static final String IDLE_COLOUR = "#d4d4d4";

  private static final int WIDTH = 960;
  private static final int LEFT = 160;
  private static final int RIGHT = 28;
  private static final int LANES_TOP = 78;
  private static final int ROW = 30;
  private static final int BAR = 20;
  private static final int LABEL_CHARS = 24;

  /** Painting order inside a lane: waits are drawn over the work that encloses them. */
  private static final List<SpanState> PAINT_ORDER =
      List.of(
          SpanState.IDLE, SpanState.RUNNING, SpanState.WAITING_FOR_GIL, SpanState.WAITING_FOR_IO);

  private SvgExporter() {}

  /**
   * Writes the diagram of {@code snapshot} to {@code file} (UTF-8), creating parent directories.
   *
   * @param snapshot the trace
   * @param file where to write, conventionally {@code NAME.svg}
   * @param title the diagram's title
   * @throws IOException if the file cannot be written
   */
  public static void write(TraceSnapshot snapshot, Path file, String title) throws IOException {
    Objects.requireNonNull(file, "file");
    String svg = toSvg(snapshot, title);
    Text.writeFile(file, svg);
  }

  /**
   * @param snapshot the trace
   * @param title the diagram's title
   * @return the diagram as a standalone SVG document
   */
  public static String toSvg(TraceSnapshot snapshot, String title) {
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(title, "title");
    long origin = snapshot.startNanos();
    long duration = Math.max(1, snapshot.durationNanos());
    double plotWidth = WIDTH - LEFT - RIGHT;
    double scale = plotWidth / duration;
    List<Row> rows = rows(snapshot);
    int axisY = LANES_TOP + rows.size() * ROW + 4;
    int height = axisY + 44 + (snapshot.droppedEvents() > 0 ? 16 : 0);

    StringBuilder out = new StringBuilder(4096);
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(height)
        .append("\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n");
    out.append("<title>").append(Text.xml(title)).append("</title>\n");
    out.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" fill=\"#ffffff\"/>\n");
    out.append("<text class=\"title\" x=\"")
        .append(WIDTH / 2)
        .append("\" y=\"26\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">")
        .append(Text.xml(title))
        .append("</text>\n");
    legend(out, snapshot);

    for (int row = 0; row < rows.size(); row++) {
      Row current = rows.get(row);
      Lane lane = current.lanes.get(0);
      int top = LANES_TOP + row * ROW;
      int barTop = top + (ROW - BAR) / 2;
      StringBuilder ids = new StringBuilder();
      for (Lane member : current.lanes) {
        ids.append(ids.isEmpty() ? "" : " ").append(member.id());
      }
      out.append("<g class=\"lane\" data-lane=\"")
          .append(Text.xml(lane.name()))
          .append("\" data-lane-id=\"")
          .append(ids)
          .append("\" data-kind=\"")
          .append(lane.kind().name())
          .append("\">\n");
      if (row % 2 == 0) {
        out.append("<rect class=\"stripe\" x=\"0\" y=\"")
            .append(top)
            .append("\" width=\"")
            .append(WIDTH)
            .append("\" height=\"")
            .append(ROW)
            .append("\" fill=\"#f4f6f9\"/>\n");
      }
      out.append("<text class=\"lane-label\" x=\"")
          .append(LEFT - 10)
          .append("\" y=\"")
          .append(top + ROW / 2 + 4)
          .append("\" text-anchor=\"end\">")
          .append(Text.xml(shorten(laneLabel(lane))))
          .append("</text>\n");
      for (SpanState state : PAINT_ORDER) {
        List<Span> ofState = new ArrayList<>();
        for (Span span : current.spans) {
          if (span.state() == state) {
            ofState.add(span);
          }
        }
        ofState.sort(Comparator.comparingLong(Span::startNanos));
        boxes(out, ofState, origin, scale, barTop);
      }
      marks(out, current.marks, origin, scale, top);
      out.append("</g>\n");
    }
    axis(out, origin, duration, scale, axisY);
    if (snapshot.droppedEvents() > 0) {
      out.append("<text class=\"dropped\" x=\"")
          .append(LEFT)
          .append("\" y=\"")
          .append(height - 8)
          .append("\" fill=\"#a00\">")
          .append(snapshot.droppedEvents())
          .append(" early events dropped (trace buffer full)</text>\n");
    }
    return out.append("</svg>\n").toString();
  }

  /** One row of the diagram: lanes of one kind, name and process that never overlap in time. */
  private static final class Row {
    final List<Lane> lanes = new ArrayList<>();
    final List<Span> spans = new ArrayList<>();
    final List<Mark> marks = new ArrayList<>();
    long end = Long.MIN_VALUE;

    boolean accepts(Lane lane, long start) {
      Lane first = lanes.get(0);
      return first.kind() == lane.kind()
          && first.processId() == lane.processId()
          && first.name().equals(lane.name())
          && end <= start;
    }
  }

  /**
   * Lays the lanes out in rows, in lane order: a lane joins the first earlier row of its kind, name
   * and process that ended before it began (a thread name reused by the next repeat of an
   * experiment), else opens a new row.
   */
  private static List<Row> rows(TraceSnapshot snapshot) {
    Map<Lane, long[]> extents = new LinkedHashMap<>();
    for (Lane lane : snapshot.lanes()) {
      extents.put(lane, new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
    }
    for (Span span : snapshot.spans()) {
      long[] extent = extents.get(span.lane());
      extent[0] = Math.min(extent[0], span.startNanos());
      extent[1] = Math.max(extent[1], span.endNanos());
    }
    for (Mark mark : snapshot.marks()) {
      long[] extent = extents.get(mark.lane());
      extent[0] = Math.min(extent[0], mark.atNanos());
      extent[1] = Math.max(extent[1], mark.atNanos());
    }
    List<Row> rows = new ArrayList<>();
    Map<Lane, Row> rowOf = new LinkedHashMap<>();
    for (Map.Entry<Lane, long[]> entry : extents.entrySet()) {
      Lane lane = entry.getKey();
      long[] extent = entry.getValue();
      Row target = null;
      for (Row row : rows) {
        if (row.accepts(lane, extent[0])) {
          target = row;
          break;
        }
      }
      if (target == null) {
        target = new Row();
        rows.add(target);
      }
      target.lanes.add(lane);
      target.end = Math.max(target.end, extent[1]);
      rowOf.put(lane, target);
    }
    for (Span span : snapshot.spans()) {
      rowOf.get(span.lane()).spans.add(span);
    }
    for (Mark mark : snapshot.marks()) {
      rowOf.get(mark.lane()).marks.add(mark);
    }
    return rows;
  }

  private static String laneLabel(Lane lane) {
    return lane.kind().rowPrefix() + lane.name();
  }

  private static String shorten(String label) {
    return label.length() <= LABEL_CHARS ? label : label.substring(0, LABEL_CHARS - 1) + "…";
  }

  private static void boxes(
      StringBuilder out, List<Span> spans, long origin, double scale, int barTop) {
    int i = 0;
    while (i < spans.size()) {
      Span first = spans.get(i);
      long start = first.startNanos();
      long end = first.endNanos();
      long busy = first.durationNanos();
      int count = 1;
      i++;
      while (i < spans.size() && (spans.get(i).startNanos() - end) * scale < 0.5) {
        end = Math.max(end, spans.get(i).endNanos());
        busy += spans.get(i).durationNanos();
        count++;
        i++;
      }
      double x = LEFT + (start - origin) * scale;
      double width = Math.max(1.0, (end - start) * scale);
      SpanState state = first.state();
      out.append("<rect class=\"span\" data-state=\"")
          .append(state.name())
          .append("\" data-count=\"")
          .append(count)
          .append("\" x=\"")
          .append(Text.px(x))
          .append("\" y=\"")
          .append(barTop)
          .append("\" width=\"")
          .append(Text.px(width))
          .append("\" height=\"")
          .append(BAR)
          .append("\" fill=\"")
          .append(colour(state))
          .append("\"><title>")
          .append(Text.xml(state.displayName()));
      if (count == 1) {
        if (first.label() != null) {
          out.append(": ").append(Text.xml(first.label()));
        }
        out.append(", ").append(duration(busy));
      } else {
        out.append(" ×").append(count).append(", ").append(duration(busy)).append(" in all");
      }
      out.append(" at ").append(duration(start - origin)).append("</title></rect>\n");
    }
  }

  private static void marks(
      StringBuilder out, List<Mark> marks, long origin, double scale, int top) {
    Map<MarkKind, Double> lastX = new LinkedHashMap<>();
    for (Mark mark : marks) {
      double x = LEFT + (mark.atNanos() - origin) * scale;
      Double previous = lastX.get(mark.kind());
      if (previous != null && x - previous < 2.0) {
        continue;
      }
      lastX.put(mark.kind(), x);
      out.append("<g class=\"mark\" data-kind=\"")
          .append(mark.kind().name())
          .append("\"><path d=\"")
          .append(triangle(x, top + 1))
          .append("\" fill=\"")
          .append(mark.kind().colour())
          .append("\"/><title>")
          .append(Text.xml(mark.kind().displayName()));
      if (mark.label() != null) {
        out.append(": ").append(Text.xml(mark.label()));
      }
      out.append(" at ").append(duration(mark.atNanos() - origin)).append("</title></g>\n");
    }
  }

  private static String triangle(double x, double top) {
    return "M"
        + Text.px(x - 4)
        + " "
        + Text.px(top)
        + " L"
        + Text.px(x + 4)
        + " "
        + Text.px(top)
        + " L"
        + Text.px(x)
        + " "
        + Text.px(top + 7)
        + " Z";
  }

  private static void legend(StringBuilder out, TraceSnapshot snapshot) {
    Set<SpanState> states =
        EnumSet.of(SpanState.RUNNING, SpanState.WAITING_FOR_IO, SpanState.WAITING_FOR_GIL);
    Set<MarkKind> kinds = new TreeSet<>(Comparator.comparingInt(MarkKind::code));
    for (Span span : snapshot.spans()) {
      states.add(span.state());
    }
    for (Mark mark : snapshot.marks()) {
      kinds.add(mark.kind());
    }
    out.append("<g class=\"legend\">\n");
    double x = LEFT;
    int y = 44;
    for (SpanState state :
        List.of(
            SpanState.RUNNING,
            SpanState.WAITING_FOR_IO,
            SpanState.WAITING_FOR_GIL,
            SpanState.IDLE)) {
      if (!states.contains(state)) {
        continue;
      }
      String text = legendText(state);
      out.append("<rect class=\"legend-box\" data-state=\"")
          .append(state.name())
          .append("\" x=\"")
          .append(Text.px(x))
          .append("\" y=\"")
          .append(y)
          .append("\" width=\"14\" height=\"14\" fill=\"")
          .append(colour(state))
          .append("\"/>");
      x = legendLabel(out, x + 19, y, text);
    }
    for (MarkKind kind : kinds) {
      String text = kind.displayName();
      out.append("<path class=\"legend-mark\" data-kind=\"")
          .append(kind.name())
          .append("\" d=\"")
          .append(triangle(x + 5, y + 3))
          .append("\" fill=\"")
          .append(kind.colour())
          .append("\"/>");
      x = legendLabel(out, x + 14, y, text);
    }
    out.append("</g>\n");
  }

  /** Writes a legend entry's text at {@code x}; returns where the next entry starts. */
  private static double legendLabel(StringBuilder out, double x, int y, String text) {
    out.append("<text x=\"")
        .append(Text.px(x))
        .append("\" y=\"")
        .append(y + 11)
        .append("\">")
        .append(Text.xml(text))
        .append("</text>\n");
    return x + text.length() * 6.1 + 18;
  }

  private static String legendText(SpanState state) {
    return switch (state) {
      case RUNNING -> "working";
      case WAITING_FOR_IO -> "waiting for I/O";
      case WAITING_FOR_GIL -> "waiting for the GIL";
      case IDLE -> "idle";
    };
  }

  private static void axis(StringBuilder out, long origin, long duration, double scale, int y) {
    long unit;
    String unitName;
    if (duration < 10_000L) {
      unit = 1L;
      unitName = "ns";
    } else if (duration < 10_000_000L) {
      unit = 1_000L;
      unitName = "µs";
    } else if (duration < 10_000_000_000L) {
      unit = 1_000_000L;
      unitName = "ms";
    } else {
      unit = 1_000_000_000L;
      unitName = "s";
    }
    long step = niceStep(duration / 8.0);
    int decimals = 0;
    long pow = 1;
    while ((step * pow) % unit != 0 && decimals < 6) {
      decimals++;
      pow *= 10;
    }
    out.append("<g class=\"axis\">\n<line x1=\"")
        .append(LEFT)
        .append("\" y1=\"")
        .append(y)
        .append("\" x2=\"")
        .append(WIDTH - RIGHT)
        .append("\" y2=\"")
        .append(y)
        .append("\" stroke=\"#333\"/>\n");
    for (long t = 0; t <= duration; t += step) {
      String x = Text.px(LEFT + t * scale);
      out.append("<line x1=\"")
          .append(x)
          .append("\" y1=\"")
          .append(y)
          .append("\" x2=\"")
          .append(x)
          .append("\" y2=\"")
          .append(y + 5)
          .append("\" stroke=\"#333\"/><text class=\"tick\" x=\"")
          .append(x)
          .append("\" y=\"")
          .append(y + 18)
          .append("\" text-anchor=\"middle\">")
          .append(Text.fixed(t * pow / unit, decimals))
          .append(' ')
          .append(unitName)
          .append("</text>\n");
    }
    out.append("<text class=\"axis-label\" x=\"")
        .append(WIDTH - RIGHT)
        .append("\" y=\"")
        .append(y + 36)
        .append("\" text-anchor=\"end\" fill=\"#555\">time since the start of the trace</text>\n");
    out.append("</g>\n");
  }

  /** The smallest of 1, 2 and 5 times a power of ten that is at least {@code raw} (and 1). */
  static long niceStep(double raw) {
    long magnitude = 1;
    while (magnitude * 10 <= raw) {
      magnitude *= 10;
    }
    for (long factor : new long[] {1, 2, 5, 10}) {
      if (magnitude * factor >= raw) {
        return magnitude * factor;
      }
    }
    return magnitude * 10;
  }

  private static String duration(long nanos) {
    long abs = Math.abs(nanos);
    if (abs < 1_000L) {
      return nanos + " ns";
    }
    if (abs < 1_000_000L) {
      return Text.fixed(nanos / 10L, 2) + " µs";
    }
    if (abs < 1_000_000_000L) {
      return Text.fixed(nanos / 10_000L, 2) + " ms";
    }
    return Text.fixed(nanos / 10_000_000L, 2) + " s";
  }

  private static String colour(SpanState state) {
    return switch (state) {
      case RUNNING -> RUNNING_COLOUR;
      case WAITING_FOR_IO -> WAITING_FOR_IO_COLOUR;
      case WAITING_FOR_GIL -> WAITING_FOR_GIL_COLOUR;
      case IDLE -> IDLE_COLOUR;
    };
  }
}
