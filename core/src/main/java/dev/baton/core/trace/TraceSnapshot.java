package dev.baton.core.trace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable copy of a trace: its lanes, spans and marks, and its time range. Exporters take one;
 * tests and tools can also build one by hand with {@link #of(List, List)}.
 *
 * <p>Threading: immutable, safe to share.
 */
public final class TraceSnapshot {
  private final List<Lane> lanes;
  private final List<Span> spans;
  private final List<Mark> marks;
  private final long droppedEvents;
  private final long startNanos;
  private final long endNanos;

  /**
   * @param lanes the rows, in display order; must include every lane of {@code spans} and {@code
   *     marks}
   * @param spans the spans
   * @param marks the instant events
   * @param droppedEvents events lost because a thread's buffer was full
   * @param startNanos the start of the time range (time zero of the diagrams)
   * @param endNanos the end of the time range
   * @throws NullPointerException if a list or an element is null
   * @throws IllegalArgumentException if {@code endNanos < startNanos}, {@code droppedEvents < 0},
   *     or an event's lane is missing from {@code lanes}
   */
  public TraceSnapshot(
      List<Lane> lanes,
      List<Span> spans,
      List<Mark> marks,
      long droppedEvents,
      long startNanos,
      long endNanos) {
    this.lanes = List.copyOf(Objects.requireNonNull(lanes, "lanes"));
    this.spans = List.copyOf(Objects.requireNonNull(spans, "spans"));
    this.marks = List.copyOf(Objects.requireNonNull(marks, "marks"));
    if (endNanos < startNanos) {
      throw new IllegalArgumentException(
          "endNanos (" + endNanos + ") must not be before startNanos (" + startNanos + ")");
    }
    if (droppedEvents < 0) {
      throw new IllegalArgumentException("droppedEvents must be >= 0, was " + droppedEvents);
    }
    Set<Lane> known = Set.copyOf(this.lanes);
    for (Span span : this.spans) {
      requireKnown(known, span.lane());
    }
    for (Mark mark : this.marks) {
      requireKnown(known, mark.lane());
    }
    this.droppedEvents = droppedEvents;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
  }

  private static void requireKnown(Set<Lane> known, Lane lane) {
    if (!known.contains(lane)) {
      throw new IllegalArgumentException("lanes must include every event's lane; missing " + lane);
    }
  }

  /**
   * A snapshot of the given events: lanes ordered by id, time range from the earliest start to the
   * latest end (empty range at 0 when there are no events), nothing dropped.
   *
   * @param spans the spans
   * @param marks the instant events
   * @return the snapshot
   */
  public static TraceSnapshot of(List<Span> spans, List<Mark> marks) {
    Set<Lane> lanes = new LinkedHashSet<>();
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (Span span : spans) {
      lanes.add(span.lane());
      start = Math.min(start, span.startNanos());
      end = Math.max(end, span.endNanos());
    }
    for (Mark mark : marks) {
      lanes.add(mark.lane());
      start = Math.min(start, mark.atNanos());
      end = Math.max(end, mark.atNanos());
    }
    if (start > end) {
      start = 0;
      end = 0;
    }
    List<Lane> sorted = new ArrayList<>(lanes);
    sorted.sort(Comparator.comparingLong(Lane::id));
    return new TraceSnapshot(sorted, spans, marks, 0, start, end);
  }

  /**
   * @return the rows, in display order
   */
  public List<Lane> lanes() {
    return lanes;
  }

  /**
   * @return all spans, sorted by start time when taken from a session
   */
  public List<Span> spans() {
    return spans;
  }

  /**
   * @return all instant events, sorted by time when taken from a session
   */
  public List<Mark> marks() {
    return marks;
  }

  /**
   * @param lane a lane
   * @return the spans of that lane, in this snapshot's order
   */
  public List<Span> spansOf(Lane lane) {
    return spans.stream().filter(span -> span.lane().equals(lane)).toList();
  }

  /**
   * @return events lost because a thread's buffer was full (oldest first)
   */
  public long droppedEvents() {
    return droppedEvents;
  }

  /**
   * @return the start of the time range ({@link System#nanoTime()}), time zero of the diagrams
   */
  public long startNanos() {
    return startNanos;
  }

  /**
   * @return the end of the time range
   */
  public long endNanos() {
    return endNanos;
  }

  /**
   * @return {@code endNanos - startNanos}
   */
  public long durationNanos() {
    return endNanos - startNanos;
  }

  @Override
  public String toString() {
    return "TraceSnapshot["
        + lanes.size()
        + " lanes, "
        + spans.size()
        + " spans, "
        + marks.size()
        + " marks, "
        + droppedEvents
        + " dropped, "
        + durationNanos()
        + " ns]";
  }
}
