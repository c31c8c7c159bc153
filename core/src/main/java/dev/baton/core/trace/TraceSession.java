package dev.baton.core.trace;

import dev.baton.core.trace.internal.TraceBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An open period of tracing, from {@link Tracer#enable()} to {@link #close()}.
 *
 * <pre>{@code
 * TraceSnapshot trace;
 * try (TraceSession session = Tracer.enable()) {
 *   runTheScenario();
 *   trace = session.snapshot();
 * }
 * SvgExporter.write(trace, Path.of("scenario.svg"), "The scenario");
 * }</pre>
 *
 * <p>Threading: any thread may take snapshots, during the session or after it is closed, while
 * other threads record; a snapshot never stops them.
 */
public final class TraceSession implements AutoCloseable {
  private final int capacity;
  private final long startNanos;

  /** Every buffer of this session; appended once per recording thread, lock-free. */
  private final ConcurrentLinkedQueue<TraceBuffer> buffers = new ConcurrentLinkedQueue<>();

  /** 0 while open; written once by close (volatile). */
  private volatile long endNanos;

  TraceSession(int capacity, long startNanos) {
    this.capacity = capacity;
    this.startNanos = startNanos;
  }

  TraceBuffer newBuffer(Lane threadLane) {
    TraceBuffer buffer = new TraceBuffer(this, threadLane, capacity);
    buffers.add(buffer);
    return buffer;
  }

  /**
   * @return each thread's ring capacity, in events
   */
  public int eventsPerThread() {
    return capacity;
  }

  /**
   * @return whether this session is still recording
   */
  public boolean isOpen() {
    return endNanos == 0L;
  }

  /**
   * Copies what has been recorded so far. Spans are sorted by start time, then lane; marks by time.
   * A span that began before the session (a GIL tenure, say) is cut at the session's start.
   *
   * @return the snapshot; its time range runs from the session's start to its close (or now)
   */
  public TraceSnapshot snapshot() {
    return collect(false);
  }

  /**
   * Takes what has been recorded since the previous drain (or since the session began), like {@link
   * #snapshot()} but leaving out what earlier drains returned: a process pool's worker ships each
   * task's events this way. Snapshots still see every event. Drains are serialized with each other;
   * they never stop the recording threads.
   *
   * @return the new events; the time range runs from the session's start to its close (or now), and
   *     {@link TraceSnapshot#droppedEvents()} counts the new events lost to full buffers
   */
  public TraceSnapshot drain() {
    synchronized (drainLock) {
      return collect(true);
    }
  }

  /** Serializes {@link #drain()} calls: each buffer's drain cursor has one writer at a time. */
  private final Object drainLock = new Object();

  // No lambdas, method references or record-generated methods below: a worker JVM drains its
  // first task's events cold, and bootstrapping those costs tens of milliseconds there.
  private TraceSnapshot collect(boolean drain) {
    Collector collector = new Collector(startNanos);
    long dropped = 0;
    for (TraceBuffer buffer : buffers) {
      dropped += drain ? buffer.drainTo(collector) : buffer.copyTo(collector);
    }
    long end = endNanos;
    if (end == 0L) {
      end = System.nanoTime();
    }
    end = Math.max(end, collector.last);
    List<Lane> laneList = new ArrayList<>(collector.lanes.keySet());
    laneList.sort(LANE_ORDER);
    collector.spans.sort(SPAN_ORDER);
    collector.marks.sort(MARK_ORDER);
    return new TraceSnapshot(laneList, collector.spans, collector.marks, dropped, startNanos, end);
  }

  /** Turns buffered events into spans and marks, cutting what began before the session. */
  private static final class Collector implements TraceBuffer.Sink {
    final long sessionStart;
    final List<Span> spans = new ArrayList<>();
    final List<Mark> marks = new ArrayList<>();
    final Map<Lane, Boolean> lanes = new LinkedHashMap<>();
    long last;

    Collector(long sessionStart) {
      this.sessionStart = sessionStart;
      this.last = sessionStart;
    }

    @Override
    public void accept(Lane lane, byte kind, long start, long end, String label) {
      if (end < sessionStart) {
        return; // ended before the session began (e.g. a tenure begun earlier)
      }
      long from = Math.max(start, sessionStart);
      lanes.put(lane, Boolean.TRUE);
      last = Math.max(last, end);
      if (kind >= Tracer.MARK_BASE) {
        marks.add(new Mark(lane, MarkKind.byCode(kind), from, label));
      } else {
        spans.add(new Span(lane, STATES[kind], from, end, label));
      }
    }
  }

  private static final Comparator<Lane> LANE_ORDER = new LaneOrder();
  private static final Comparator<Span> SPAN_ORDER = new SpanOrder();
  private static final Comparator<Mark> MARK_ORDER = new MarkOrder();

  /** By id: creation order. */
  private static final class LaneOrder implements Comparator<Lane> {
    @Override
    public int compare(Lane a, Lane b) {
      return Long.compare(a.id(), b.id());
    }
  }

  /** By start, then lane. */
  private static final class SpanOrder implements Comparator<Span> {
    @Override
    public int compare(Span a, Span b) {
      int c = Long.compare(a.startNanos(), b.startNanos());
      return c != 0 ? c : Long.compare(a.lane().id(), b.lane().id());
    }
  }

  /** By time, then lane. */
  private static final class MarkOrder implements Comparator<Mark> {
    @Override
    public int compare(Mark a, Mark b) {
      int c = Long.compare(a.atNanos(), b.atNanos());
      return c != 0 ? c : Long.compare(a.lane().id(), b.lane().id());
    }
  }

  private static final SpanState[] STATES = SpanState.values();

  /** Turns tracing off; recorded events stay available to {@link #snapshot()}. Idempotent. */
  @Override
  public void close() {
    if (endNanos == 0L) {
      endNanos = System.nanoTime();
    }
    Tracer.disable(this);
  }
}
