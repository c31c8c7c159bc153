package dev.baton.process.internal;

import dev.baton.core.trace.Lane;
import dev.baton.core.trace.Mark;
import dev.baton.core.trace.MarkKind;
import dev.baton.core.trace.Span;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A worker's own trace events on their way to the parent, and the parent's estimate of the worker's
 * clock.
 *
 * <p>A worker traces a task when its TASK frame carries {@link Payloads#TRACED} (the parent's
 * tracer was on when it sent it): it records the task as a RUNNING span, plus whatever its task
 * thread records meanwhile (its {@link dev.baton.core.Blocking} sections as WAITING_FOR_IO, user
 * marks), and sends them in a SPANS frame just before the task's answer. SPANS payload: {@code
 * first:long last:long count:int} then per event {@code code:byte start:long end:long
 * hasLabel:boolean [label:UTF]}, times in the worker's {@link System#nanoTime()}; {@code first} is
 * read when the worker starts handling the task and {@code last} just before the frame is written;
 * codes below 16 are {@link SpanState} ordinals, and code 16 a mark whose {@link MarkKind#name()}
 * follows the code ({@code kind:UTF}): codes of kinds depend on the order a JVM registered them in.
 * The parent records a mark of a kind it has not registered (its declaring class not initialised
 * there) as a {@link MarkKind#USER} mark labelled with the kind's name.
 *
 * <h2>Clock alignment</h2>
 *
 * Nothing guarantees that two JVMs' {@code nanoTime} share an origin, so the parent estimates the
 * offset {@code θ = worker clock - parent clock} from observations of the form "the worker read
 * {@code w1}, then {@code w2}, between the parent's {@code p1} and {@code p2}", which bound {@code
 * θ} to {@code [w2 - p2, w1 - p1]}: a PING answered at once after the worker's READY (NTP's
 * exchange), then every traced task ({@code p1} its send, {@code p2} its SPANS frame's arrival).
 * {@link Clock} keeps the intersection of those intervals and uses its midpoint, so the error is at
 * most half the intersection's width: at most half the shortest round trip seen, minus the worker's
 * time inside it. Since the estimate lies inside every task's own interval, each task's aligned
 * events fall between its send and its answer, as they physically did. If the clocks drift apart
 * enough for a new interval to miss the intersection, the intersection restarts from that interval.
 */
public final class WorkerTrace {
  private static final byte MARK = 16;
  private static final SpanState[] STATES = SpanState.values();

  private WorkerTrace() {}

  /**
   * Encodes the events of one lane; worker side.
   *
   * @param events the events the worker drained after the task
   * @param lane the task thread's lane: only its events are shipped
   * @param first when the worker started handling the task
   * @param skew added to every time (0 except in tests that simulate another clock origin)
   * @return the SPANS payload, its {@code last} read just before returning
   */
  static byte[] encode(TraceSnapshot events, Lane lane, long first, long skew) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      int count = 0;
      for (Span span : events.spans()) {
        count += span.lane() == lane ? 1 : 0;
      }
      for (Mark mark : events.marks()) {
        count += mark.lane() == lane ? 1 : 0;
      }
      long earliest = first;
      ByteArrayOutputStream body = new ByteArrayOutputStream(count * 24);
      DataOutputStream b = new DataOutputStream(body);
      for (Span span : events.spans()) {
        if (span.lane() == lane) {
          earliest = Math.min(earliest, span.startNanos());
          writeEvent(b, (byte) span.state().ordinal(), span.startNanos(), span.endNanos(), skew);
          writeLabel(b, span.label());
        }
      }
      for (Mark mark : events.marks()) {
        if (mark.lane() == lane) {
          earliest = Math.min(earliest, mark.atNanos());
          writeEvent(b, MARK, mark.atNanos(), mark.atNanos(), skew);
          b.writeUTF(mark.kind().name());
          writeLabel(b, mark.label());
        }
      }
      out.writeLong(earliest + skew);
      out.writeLong(System.nanoTime() + skew);
      out.writeInt(count);
      body.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in-memory streams do not fail
    }
    return bytes.toByteArray();
  }

  private static void writeEvent(DataOutputStream out, byte code, long start, long end, long skew)
      throws IOException {
    out.writeByte(code);
    out.writeLong(start + skew);
    out.writeLong(end + skew);
  }

  private static void writeLabel(DataOutputStream out, String label) throws IOException {
    out.writeBoolean(label != null);
    if (label != null) {
      out.writeUTF(label);
    }
  }

  /**
   * Records a SPANS payload on the worker's lane, aligned to this JVM's clock; parent side, on the
   * worker's reader thread.
   *
   * @param payload the SPANS frame's payload
   * @param lane the worker's lane
   * @param clock the worker's clock estimate; updated with this task's interval first
   * @param sentNanos when the parent sent the task
   * @param receivedNanos when the SPANS frame arrived
   * @return how many events were recorded
   * @throws IOException when the payload is malformed
   */
  static int merge(byte[] payload, Lane lane, Clock clock, long sentNanos, long receivedNanos)
      throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    long first = in.readLong();
    long last = in.readLong();
    int count = in.readInt();
    if (count < 0 || count > payload.length / 18) {
      throw new IOException("SPANS frame announces " + count + " events in " + payload.length);
    }
    clock.observe(sentNanos, first, last, receivedNanos);
    long offset = clock.offset();
    for (int i = 0; i < count; i++) {
      byte code = in.readByte();
      long start = in.readLong() - offset;
      long end = in.readLong() - offset;
      String kindName = code == MARK ? in.readUTF() : null;
      String label = in.readBoolean() ? in.readUTF() : null;
      if (code >= 0 && code < STATES.length) {
        Tracer.span(lane, STATES[code], start, end, label);
      } else if (code == MARK) {
        MarkKind kind = MarkKind.named(kindName);
        if (kind == null) {
          Tracer.mark(
              lane, MarkKind.USER, start, label == null ? kindName : kindName + ": " + label);
        } else {
          Tracer.mark(lane, kind, start, label);
        }
      } else {
        throw new IOException("unknown trace event code " + code);
      }
    }
    return count;
  }

  /** The parent's estimate of a worker's clock offset. Confined to the worker's reader thread. */
  public static final class Clock {
    private long lo = Long.MIN_VALUE;
    private long hi = Long.MAX_VALUE;
    private boolean known;

    /**
     * Adds an observation: the worker read {@code workerFirst} then {@code workerLast} while the
     * parent's clock went from {@code parentBefore} to {@code parentAfter}.
     *
     * @param parentBefore parent time before the worker's first read
     * @param workerFirst the worker's first read
     * @param workerLast the worker's last read
     * @param parentAfter parent time after the worker's last read
     */
    public void observe(long parentBefore, long workerFirst, long workerLast, long parentAfter) {
      long low = workerLast - parentAfter;
      long high = workerFirst - parentBefore;
      if (low > high) {
        return; // impossible (reads out of order): no information
      }
      if (!known || low > hi || high < lo) {
        lo = low;
        hi = high;
        known = true;
      } else {
        lo = Math.max(lo, low);
        hi = Math.min(hi, high);
      }
    }

    /**
     * @return the estimated offset (worker clock minus parent clock), 0 before any observation
     */
    public long offset() {
      return known ? lo + (hi - lo) / 2 : 0L;
    }

    /**
     * @return the most the estimate can be off by, in ns ({@link Long#MAX_VALUE} before any
     *     observation)
     */
    public long errorBound() {
      return known ? (hi - lo + 1) / 2 : Long.MAX_VALUE;
    }
  }
}
