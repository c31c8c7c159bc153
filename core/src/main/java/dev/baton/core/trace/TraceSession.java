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

  private TraceSnapshot collect(boolean drain) {
    List<Span> spans = new ArrayList<>();
    List<Mark> marks = new ArrayList<>();
    Map<Lane, Boolean> lanes = new LinkedHashMap<>();
    long dropped = 0;
    long[] last = {startNanos};
    TraceBuffer.Sink sink =
        (lane, kind, start, end, label) -> {
          if (end < startNanos) {
            return; // ended before the session began (e.g. a tenure begun earlier)
          }
          start = Math.max(start, startNanos);
          lanes.put(lane, Boolean.TRUE);
          last[0] = Math.max(last[0], end);
          if (kind >= Tracer.MARK_BASE) {
            marks.add(new Mark(lane, MARK_KINDS[kind - Tracer.MARK_BASE], start, label));
          } else {
            spans.add(new Span(lane, STATES[kind], start, end, label));
          }
        };
    for (TraceBuffer buffer : buffers) {
      dropped += drain ? buffer.drainTo(sink) : buffer.copyTo(sink);
    }
    long end = endNanos;
    if (end == 0L) {
      end = System.nanoTime();
    }
    end = Math.max(end, last[0]);
    List<Lane> laneList = new ArrayList<>(lanes.keySet());
    laneList.sort(Comparator.comparingLong(Lane::id));
    spans.sort(
        Comparator.comparingLong(Span::startNanos).thenComparingLong(span -> span.lane().id()));
    marks.sort(Comparator.comparingLong(Mark::atNanos).thenComparingLong(mark -> mark.lane().id()));
    return new TraceSnapshot(laneList, spans, marks, dropped, startNanos, end);
  }

  private static final SpanState[] STATES = SpanState.values();
  private static final MarkKind[] MARK_KINDS = MarkKind.values();

  /** Turns tracing off; recorded events stay available to {@link #snapshot()}. Idempotent. */
  @Override
  public void close() {
    if (endNanos == 0L) {
      endNanos = System.nanoTime();
    }
    Tracer.disable(this);
  }
}
