package dev.baton.core.trace;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.trace.internal.TraceBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The global timeline recorder that every Baton module calls.
 *
 * <p>Tracing is off by default; then each instrumentation point costs one load of a static field
 * and a branch. {@link #enable()} opens a {@link TraceSession}, and until it is closed every thread
 * records into its own bounded ring buffer: no lock, no allocation after the thread's first event,
 * never blocking the traced thread. When a thread's ring is full its oldest events are overwritten
 * and counted in {@link TraceSnapshot#droppedEvents()}.
 *
 * <h2>Instrumenting a span</h2>
 *
 * <pre>{@code
 * long t0 = Tracer.now();                       // 0 when tracing is off
 * waitForTheGil();
 * Tracer.span(SpanState.WAITING_FOR_GIL, t0);   // on the current thread's lane, until now
 * }</pre>
 *
 * <p>Spans on another lane (an event-loop task, a worker process) pass the lane and both times to
 * {@link #span(Lane, SpanState, long, long, String)}; instants use {@link #mark(MarkKind, String)}.
 * Labels should be strings that already exist (a task's name): the recording path stores the
 * reference and allocates nothing.
 *
 * <h2>Threading</h2>
 *
 * <p>All methods are thread-safe. Events are recorded in the buffer of the calling thread, whatever
 * their lane. A span that began while tracing was off ({@code startNanos == 0}) is not recorded; an
 * event recorded by a thread that has not yet seen {@link TraceSession#close()} may still land in
 * the closed session's buffers, which is harmless.
 */
public final class Tracer {
  /** Default ring capacity per thread, in events (about 40 bytes each). */
  public static final int DEFAULT_EVENTS_PER_THREAD = 1 << 14;

  private static final VarHandle ACTIVE;

  static {
    try {
      ACTIVE =
          MethodHandles.lookup().findStaticVarHandle(Tracer.class, "active", TraceSession.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The open session or null. Written under the class lock by enable/close (volatile); read on
   * every instrumentation point with an opaque load: a thread that sees the change late records
   * into (or skips) a few events, never anything worse.
   */
  @SuppressWarnings("unused") // accessed through ACTIVE
  private static TraceSession active;

  /** The calling thread's buffer for the session it last recorded in. */
  private static final ThreadLocal<TraceBuffer> BUFFER = new ThreadLocal<>();

  private Tracer() {}

  private static TraceSession activeOpaque() {
    return (TraceSession) ACTIVE.getOpaque();
  }

  /**
   * Turns tracing on with {@link #DEFAULT_EVENTS_PER_THREAD} events per thread.
   *
   * @return the session; close it to turn tracing off
   * @throws BatonMisuseException if a session is already open
   */
  public static TraceSession enable() {
    return enable(DEFAULT_EVENTS_PER_THREAD);
  }

  /**
   * Turns tracing on.
   *
   * @param eventsPerThread each thread's ring capacity, rounded up to a power of two
   * @return the session; close it to turn tracing off
   * @throws IllegalArgumentException if {@code eventsPerThread} is not in [16, 2^24]
   * @throws BatonMisuseException if a session is already open
   */
  public static synchronized TraceSession enable(int eventsPerThread) {
    if (eventsPerThread < 16 || eventsPerThread > (1 << 24)) {
      throw new IllegalArgumentException(
          "eventsPerThread must be between 16 and 2^24, was " + eventsPerThread);
    }
    if (ACTIVE.getVolatile() != null) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" enabled tracing while a trace session is open; close that session first");
    }
    int capacity = Integer.highestOneBit(eventsPerThread - 1) << 1;
    TraceSession session = new TraceSession(capacity, nanoTimeNonZero());
    ACTIVE.setVolatile(session);
    return session;
  }

  static synchronized void disable(TraceSession session) {
    if (ACTIVE.getVolatile() == session) {
      ACTIVE.setVolatile(null);
    }
  }

  /**
   * @return whether a session is open; one load and no fence
   */
  public static boolean isEnabled() {
    return activeOpaque() != null;
  }

  /**
   * The start time to pass to {@link #span(SpanState, long)}.
   *
   * @return {@link System#nanoTime()} (never 0) while tracing is on, 0 when it is off
   */
  public static long now() {
    return activeOpaque() == null ? 0L : nanoTimeNonZero();
  }

  /**
   * A start time taken from a clock read the caller already made, for code that records several
   * events at one instant (a wait that ends where a tenure begins) and reads the clock once.
   *
   * @param nanos a {@link System#nanoTime()} value
   * @return {@code nanos} (1 if it is 0) while tracing is on, 0 when it is off
   */
  public static long at(long nanos) {
    return activeOpaque() == null ? 0L : (nanos == 0L ? 1L : nanos);
  }

  private static long nanoTimeNonZero() {
    long t = System.nanoTime();
    return t == 0L ? 1L : t;
  }

  /**
   * Records a span of the current thread's lane from {@code startNanos} until now.
   *
   * @param state what the thread was doing
   * @param startNanos a value from {@link #now()}; 0 (tracing was off at the start) records nothing
   */
  public static void span(SpanState state, long startNanos) {
    if (startNanos == 0L) {
      return;
    }
    TraceSession session = activeOpaque();
    if (session != null) {
      long end = nanoTimeNonZero(); // before the lookup, which a thread's first event makes slow
      TraceBuffer buffer = buffer(session);
      buffer.record(buffer.threadLane, (byte) state.ordinal(), startNanos, end, null);
    }
  }

  /**
   * Records a span of the current thread's lane from {@code startNanos} until now, with a label.
   *
   * @param state what the thread was doing
   * @param startNanos a value from {@link #now()}; 0 records nothing
   * @param label what ran or was waited for; should be an existing string
   */
  public static void span(SpanState state, long startNanos, String label) {
    if (startNanos == 0L) {
      return;
    }
    TraceSession session = activeOpaque();
    if (session != null) {
      long end = nanoTimeNonZero();
      TraceBuffer buffer = buffer(session);
      buffer.record(buffer.threadLane, (byte) state.ordinal(), startNanos, end, label);
    }
  }

  /**
   * Records a span of the current thread's lane with both times given: no clock read.
   *
   * @param state what the thread was doing
   * @param startNanos a value from {@link #now()} or {@link #at(long)}; 0 records nothing
   * @param endNanos end, a {@link System#nanoTime()} value (clamped to {@code startNanos})
   * @param label what ran or was waited for, or null; should be an existing string
   */
  public static void span(SpanState state, long startNanos, long endNanos, String label) {
    if (startNanos == 0L) {
      return;
    }
    TraceSession session = activeOpaque();
    if (session != null) {
      TraceBuffer buffer = buffer(session);
      buffer.record(
          buffer.threadLane,
          (byte) state.ordinal(),
          startNanos,
          Math.max(startNanos, endNanos),
          label);
    }
  }

  /**
   * Records a span of any lane, with explicit times (an event-loop task's step, a worker's span
   * shipped back with its result).
   *
   * @param lane the lane
   * @param state what the lane was doing
   * @param startNanos start, a {@link System#nanoTime()} value of this JVM; 0 records nothing
   * @param endNanos end, not before {@code startNanos} (else it is clamped to it)
   * @param label a label or null
   */
  public static void span(
      Lane lane, SpanState state, long startNanos, long endNanos, String label) {
    if (startNanos == 0L) {
      return;
    }
    TraceSession session = activeOpaque();
    if (session != null) {
      buffer(session)
          .record(lane, (byte) state.ordinal(), startNanos, Math.max(startNanos, endNanos), label);
    }
  }

  /**
   * Records an instant event on the current thread's lane, now.
   *
   * @param kind what happened
   * @param label details or null; should be an existing string
   */
  public static void mark(MarkKind kind, String label) {
    TraceSession session = activeOpaque();
    if (session != null) {
      long t = nanoTimeNonZero();
      TraceBuffer buffer = buffer(session);
      buffer.record(buffer.threadLane, markCode(kind), t, t, label);
    }
  }

  /**
   * Records an instant event on the current thread's lane at a given time: no clock read.
   *
   * @param kind what happened
   * @param atNanos when, a {@link System#nanoTime()} value of this JVM
   * @param label details or null; should be an existing string
   */
  public static void mark(MarkKind kind, long atNanos, String label) {
    TraceSession session = activeOpaque();
    if (session != null) {
      TraceBuffer buffer = buffer(session);
      buffer.record(buffer.threadLane, markCode(kind), atNanos, atNanos, label);
    }
  }

  /**
   * Records an instant event on any lane, now.
   *
   * @param lane the lane
   * @param kind what happened
   * @param label details or null
   */
  public static void mark(Lane lane, MarkKind kind, String label) {
    TraceSession session = activeOpaque();
    if (session != null) {
      long t = nanoTimeNonZero();
      buffer(session).record(lane, markCode(kind), t, t, label);
    }
  }

  /**
   * Records an instant event on any lane at a given time.
   *
   * @param lane the lane
   * @param kind what happened
   * @param atNanos when, a {@link System#nanoTime()} value of this JVM
   * @param label details or null
   */
  public static void mark(Lane lane, MarkKind kind, long atNanos, String label) {
    TraceSession session = activeOpaque();
    if (session != null) {
      buffer(session).record(lane, markCode(kind), atNanos, atNanos, label);
    }
  }

  /**
   * The current thread's lane in the open session: the lane its {@link #span(SpanState, long)}
   * calls record on.
   *
   * @return that lane, or a new unrecorded lane named after the thread when tracing is off
   */
  public static Lane threadLane() {
    TraceSession session = activeOpaque();
    return session == null ? newThreadLane(Thread.currentThread()) : buffer(session).threadLane;
  }

  /** Buffer codes below it are {@link SpanState} ordinals, from it up {@link MarkKind} codes. */
  static final byte MARK_BASE = 16;

  private static byte markCode(MarkKind kind) {
    return kind.code();
  }

  private static TraceBuffer buffer(TraceSession session) {
    TraceBuffer buffer = BUFFER.get();
    if (buffer == null || buffer.session != session) {
      buffer = session.newBuffer(newThreadLane(Thread.currentThread()));
      BUFFER.set(buffer);
    }
    return buffer;
  }

  private static Lane newThreadLane(Thread thread) {
    String name = thread.getName();
    if (name.isEmpty()) {
      name = (thread.isVirtual() ? "virtual-" : "thread-") + thread.threadId();
    }
    return Lane.of(LaneKind.THREAD, name);
  }
}
