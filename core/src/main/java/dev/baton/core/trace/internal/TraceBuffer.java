package dev.baton.core.trace.internal;

import dev.baton.core.trace.Lane;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One thread's ring of trace events for one tracing session: written by its owner thread only, read
 * by any thread that takes a snapshot. Recording never blocks and never allocates; when the ring is
 * full the oldest event is overwritten, and {@link #copyTo} counts it as dropped.
 *
 * <h2>Concurrency</h2>
 *
 * <p>A seqlock over a ring, as in flight recorders. To write sequence {@code h} the owner first
 * stores {@code claimed = h + 1}, then (after a store-store fence) writes slot {@code h & mask},
 * then publishes {@code head = h + 1} with a release store. A reader takes {@code h1 = head}
 * (acquire), copies the slots it wants, issues a load-load fence and reads {@code c2 = claimed}: a
 * slot of sequence {@code < c2 - capacity} may have been overwritten (or be mid-write) while it was
 * copied and is discarded as dropped. The slots are plain arrays read racily; a torn slot is never
 * returned because of that check, and a quiescent writer loses nothing.
 */
public final class TraceBuffer {
  private static final VarHandle HEAD;
  private static final VarHandle CLAIMED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HEAD = lookup.findVarHandle(TraceBuffer.class, "head", long.class);
      CLAIMED = lookup.findVarHandle(TraceBuffer.class, "claimed", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The session this buffer records for; compared by identity on the recording path. */
  public final Object session;

  /** The lane of the owner thread. */
  public final Lane threadLane;

  private final int mask;

  /** Slot {@code i}'s start at {@code 2i} and end at {@code 2i + 1}: one stream of stores. */
  private final long[] times;

  private final Lane[] lanes;
  private final String[] labels;
  private final byte[] kinds;

  /**
   * Events ever written. Written by the owner only (plain read, release store); read by snapshot
   * takers with acquire.
   */
  @SuppressWarnings("unused") // accessed through HEAD
  private long head;

  /**
   * Sequence being written plus one: {@code head + 1} during a write, else {@code head}. Written by
   * the owner only (opaque, before the slot's stores); read by snapshot takers after their copy.
   */
  @SuppressWarnings("unused") // accessed through CLAIMED
  private long claimed;

  /**
   * @param session the session this buffer records for
   * @param threadLane the owner thread's lane
   * @param capacity a power of two
   */
  public TraceBuffer(Object session, Lane threadLane, int capacity) {
    if (Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
    }
    this.session = session;
    this.threadLane = threadLane;
    this.mask = capacity - 1;
    this.times = new long[2 * capacity];
    this.lanes = new Lane[capacity];
    this.labels = new String[capacity];
    this.kinds = new byte[capacity];
  }

  /**
   * Records one event; owner thread only. Never blocks, never allocates.
   *
   * @param lane the event's lane
   * @param kind a kind code of the caller's choosing
   * @param start start time (ns)
   * @param end end time (ns), equal to {@code start} for instants
   * @param label a label or null
   */
  public void record(Lane lane, byte kind, long start, long end, String label) {
    long h = (long) HEAD.get(this);
    CLAIMED.setOpaque(this, h + 1);
    VarHandle.storeStoreFence(); // the slot's new contents only after the claim
    int i = (int) h & mask;
    times[2 * i] = start;
    times[2 * i + 1] = end;
    // once the ring has wrapped, a slot usually holds these references already: skipping the
    // store skips its GC write barrier too
    if (lanes[i] != lane) {
      lanes[i] = lane;
    }
    if (labels[i] != label) {
      labels[i] = label;
    }
    kinds[i] = kind;
    HEAD.setRelease(this, h + 1);
  }

  /** Receives the events that {@link #copyTo} read. */
  public interface Sink {
    /**
     * @param lane the event's lane
     * @param kind its kind code
     * @param start start time
     * @param end end time
     * @param label its label or null
     */
    void accept(Lane lane, byte kind, long start, long end, String label);
  }

  /**
   * Copies the events still in the ring to {@code sink}, oldest first; any thread.
   *
   * @param sink receives the events
   * @return how many events were dropped: overwritten before or while they were copied
   */
  public long copyTo(Sink sink) {
    long h1 = (long) HEAD.getAcquire(this);
    return Math.min(copy(0, h1, sink), h1);
  }

  /**
   * Copies the events written since the previous drain to {@code sink}, oldest first. Calls must
   * not overlap (the session serializes them); they may run while the owner records.
   *
   * @param sink receives the events
   * @return how many events written since the previous drain were dropped
   */
  public long drainTo(Sink sink) {
    long h1 = (long) HEAD.getAcquire(this);
    long since = drained;
    long firstValid = copy(since, h1, sink);
    drained = h1;
    return Math.min(firstValid, h1) - since;
  }

  /**
   * Sequence up to which {@link #drainTo} has copied. Read and written only by drainers, whose
   * calls the session serializes.
   */
  private long drained;

  /** Delivers sequences {@code [since, h1)} that are intact; returns the first one delivered. */
  private long copy(long since, long h1, Sink sink) {
    int capacity = mask + 1;
    long from = Math.max(since, h1 - capacity);
    int n = (int) Math.max(0, h1 - from);
    long[] s = new long[n];
    long[] e = new long[n];
    Lane[] l = new Lane[n];
    String[] lb = new String[n];
    byte[] k = new byte[n];
    for (int j = 0; j < n; j++) {
      int i = (int) (from + j) & mask;
      s[j] = times[2 * i];
      e[j] = times[2 * i + 1];
      l[j] = lanes[i];
      lb[j] = labels[i];
      k[j] = kinds[i];
    }
    VarHandle.loadLoadFence();
    long c2 = (long) CLAIMED.getOpaque(this);
    long firstValid = Math.max(from, c2 - capacity);
    for (long seq = firstValid; seq < h1; seq++) {
      int j = (int) (seq - from);
      sink.accept(l[j], k[j], s[j], e[j], lb[j]);
    }
    return firstValid;
  }

  /**
   * @return events written so far; any thread
   */
  public long written() {
    return (long) HEAD.getAcquire(this);
  }
}
