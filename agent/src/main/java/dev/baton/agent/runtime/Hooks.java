package dev.baton.agent.runtime;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.gil.Gil;
import dev.baton.gil.GilRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.CharArrayReader;
import java.io.CharArrayWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/*
 * How a thread lives under the agent's GIL.
 *
 * Attach and detach. A thread attaches when it enters its outermost frame of included code (depth
 * 0 -> 1) and detaches when that frame returns or throws (depth 1 -> 0). So the GIL is held exactly
 * while included code is on the thread's stack: a pool thread of the JDK that runs an included task
 * holds it for the task and not while it waits in the pool's queue, and main gives it up when
 * main() returns, so the JVM's wait for non-daemon threads cannot deadlock. Attaching is
 * GilRuntime.ensure() on the agent's runtime, unless the thread already holds a GIL (a thread of a
 * runtime the program built itself): then its checkpoints pass that GIL and it keeps its own
 * runtime. Either way the agent's SectionHandler goes on top of the thread's blocking handler, so
 * every section (the agent's and the program's own Blocking calls) is counted in `sections`.
 *
 * Checkpoints. poll() is the eval breaker: method entry (at depth > 0) and every backward branch.
 * It does nothing while the thread holds a monitor of included code or runs a class initialiser
 * (`monitors` > 0): thread A holding monitor M must not give the GIL to a thread B that will block
 * on M while holding the GIL, which A needs to leave M. Nor while the thread is inside a blocking
 * section (it holds no GIL then; included code called back from a blocking call runs unlocked).
 *
 * Monitors. Since a monitor holder keeps the GIL between checkpoints, the only monitor holders that
 * do not hold it are threads inside blocking sections (sleep, wait, I/O while synchronized), and
 * threads that gave the GIL up to enter a monitor (from the moment the enter succeeds until they
 * have the GIL back). `releasedMonitorHolders` counts both, each counted before it lets the GIL
 * go. An instrumented monitorenter releases the GIL for the time it blocks when that count is not
 * zero (someone may hold the monitor without the GIL; entering could block), and enters directly
 * otherwise: then any holder of the monitor among attached
 * threads is the caller itself, so the enter cannot block on one of them. Holders the agent cannot
 * see (code that is not included, the JDK's own locks) are out of reach; the runtime's blocking
 * detector reports such waits. For the same reason a thread that the JDK calls into included code
 * while it holds a lock of its own (a computeIfAbsent function, a class loader's loadClass) waits
 * for the GIL holding that lock: a holder that then needs the lock deadlocks with it.
 *
 * Blocking calls. A call rewritten by the instrumenter runs between beginBlocking and endBlocking:
 * the GIL is released (SectionHandler.enter) unless the call is already inside a section, or the
 * receiver's class is itself instrumented (its own code will release where it blocks) or an
 * in-memory stream or reader that never blocks.
 */

/**
 * The methods instrumented bytecode calls; see the design note in the source. Not for code written
 * by hand: every method takes the {@link ThreadState} the instrumented method got from {@link
 * #enter()}, {@link #current()} or {@link #clinitEnter()}.
 *
 * <p>Threading: each method acts on the calling thread's state only; {@link #install} may be called
 * from any thread.
 */
public final class Hooks {
  private static final ThreadLocal<ThreadState> STATE = ThreadLocal.withInitial(ThreadState::new);

  /**
   * The state of the thread that last looked its state up: under the GIL, the thread running
   * included code. Racy, benign: a reader checks the owner (a final field) and falls back to the
   * thread-local when it is another thread's, so a stale value costs one lookup.
   */
  private static ThreadState last;

  /** Threads holding an instrumented monitor while inside a blocking section. */
  static final AtomicInteger releasedMonitorHolders = new AtomicInteger();

  /** The agent's runtime; null until installed, and then hooks do nothing. */
  private static volatile GilRuntime runtime;

  /** Whether a class's code is instrumented (then calls on its instances are not sections). */
  private static volatile Predicate<Class<?>> instrumented = c -> false;

  private static final ClassValue<Boolean> RELEASES =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          return !instrumented.test(type) && !inMemory(type);
        }
      };

  private Hooks() {}

  /**
   * Makes {@code agentRuntime} the runtime that threads attach to from now on, and {@code
   * instrumentedClasses} the test of which classes were instrumented. Threads already attached keep
   * the runtime they attached to until they detach.
   *
   * @param agentRuntime the runtime
   * @param instrumentedClasses true for the classes whose code the agent instruments
   */
  public static void install(GilRuntime agentRuntime, Predicate<Class<?>> instrumentedClasses) {
    instrumented = Objects.requireNonNull(instrumentedClasses, "instrumentedClasses");
    runtime = Objects.requireNonNull(agentRuntime, "agentRuntime");
  }

  /**
   * @return the runtime threads attach to, or null when none is installed
   */
  public static GilRuntime runtime() {
    return runtime;
  }

  // ---------------------------------------------------------------- frames

  /**
   * Entry of an included method: attaches at the outermost frame, else a checkpoint.
   *
   * @return the calling thread's state
   */
  public static ThreadState enter() {
    ThreadState s = state();
    if (s.depth++ == 0) {
      attach(s);
    } else {
      poll(s);
    }
    return s;
  }

  /**
   * Exit of an included method, normal or exceptional: detaches at the outermost frame.
   *
   * @param s the state {@link #enter()} returned
   */
  public static void exit(ThreadState s) {
    if (--s.depth == 0) {
      detach(s);
    }
  }

  /**
   * Entry of a constructor: a checkpoint when the thread is attached, no attach otherwise.
   *
   * @return the calling thread's state
   */
  public static ThreadState current() {
    ThreadState s = state();
    poll(s);
    return s;
  }

  /**
   * Entry of a class initialiser: the initialisation lock counts as a monitor, so no checkpoint
   * gives the GIL away while it runs.
   *
   * @return the calling thread's state
   */
  public static ThreadState clinitEnter() {
    ThreadState s = state();
    s.monitors++;
    return s;
  }

  /**
   * Exit of a class initialiser, normal or exceptional.
   *
   * @param s the state {@link #clinitEnter()} returned
   */
  public static void clinitExit(ThreadState s) {
    s.monitors--;
  }

  /**
   * A checkpoint (method entry, backward branch): passes the GIL on if another thread asked for it,
   * unless the thread holds a monitor or is inside a blocking section.
   *
   * @param s the calling thread's state
   */
  public static void poll(ThreadState s) {
    Gil gil = s.gil;
    if (gil != null && s.monitors == 0 && s.sections == 0) {
      gil.checkpoint();
    }
  }

  private static ThreadState state() {
    ThreadState s = last;
    if (s == null || s.thread != Thread.currentThread()) {
      s = STATE.get();
      last = s;
    }
    return s;
  }

  private static void attach(ThreadState s) {
    GilRuntime r = runtime;
    if (r == null) {
      return;
    }
    Gil held = Gil.current();
    if (held != null) {
      s.gil = held;
    } else {
      if (r.isClosed()) {
        return;
      }
      s.ensured = r.ensure();
      s.gil = r.gil();
    }
    BlockingHandler inner = Blocking.currentHandler();
    if (inner == null) {
      // a GIL taken by a raw acquire(): checkpoints, but no section can release it
      s.gil = null;
      return;
    }
    s.inner = inner;
    s.registration = Blocking.install(s.section);
  }

  private static void detach(ThreadState s) {
    try {
      if (s.registration != null) {
        s.registration.close();
      }
    } finally {
      s.registration = null;
      s.inner = null;
      s.gil = null;
      GilRuntime.Ensured ensured = s.ensured;
      s.ensured = null;
      if (ensured != null) {
        ensured.close();
      }
    }
  }

  // ---------------------------------------------------------------- monitors

  /**
   * Before an instrumented {@code monitorenter} of {@code lock}: releases the GIL for the enter
   * when another thread may hold monitors without holding the GIL.
   *
   * @param lock the object about to be locked
   * @param s the calling thread's state
   */
  public static void monitorEnter(Object lock, ThreadState s) {
    if (s.gil != null
        && s.sections == 0
        && lock != null
        && releasedMonitorHolders.get() != 0
        && !Thread.holdsLock(lock)) {
      // counted before the GIL goes, and until it is back: from the moment the enter succeeds
      // this thread holds a monitor without the GIL, and a holder of the GIL that read a zero
      // count would enter directly and could block on it while holding the GIL
      releasedMonitorHolders.incrementAndGet();
      s.monitorReleased = true;
      s.sectionStart = Tracer.now();
      s.section.enter();
    }
  }

  /**
   * After an instrumented {@code monitorenter}: takes the GIL back if the enter released it.
   *
   * @param s the calling thread's state
   */
  public static void monitorEntered(ThreadState s) {
    if (s.monitorReleased) {
      s.monitorReleased = false;
      try {
        s.section.exit();
      } finally {
        releasedMonitorHolders.decrementAndGet();
      }
      Tracer.span(SpanState.WAITING_FOR_GIL, s.sectionStart, "monitor");
    }
    s.monitors++;
  }

  /**
   * After an instrumented {@code monitorexit}, normal or exceptional.
   *
   * @param s the calling thread's state
   */
  public static void monitorExit(ThreadState s) {
    s.monitors--;
  }

  // ---------------------------------------------------------------- blocking calls

  /**
   * Before a rewritten blocking call on {@code receiver}.
   *
   * @param receiver the object whose method blocks
   * @param s the calling thread's state
   * @return the token to hand to {@link #endBlocking}
   */
  public static int beginBlocking(Object receiver, ThreadState s) {
    if (receiver == null || !RELEASES.get(receiver.getClass())) {
      return 0;
    }
    return beginBlocking(s);
  }

  /**
   * Before a rewritten blocking call with no receiver that matters (a static method, or a final JDK
   * method).
   *
   * @param s the calling thread's state
   * @return the token to hand to {@link #endBlocking}
   */
  public static int beginBlocking(ThreadState s) {
    if (s.gil == null || s.sections != 0) {
      return 0;
    }
    s.sectionStart = Tracer.now();
    s.section.enter();
    return 1;
  }

  /**
   * After a rewritten blocking call, normal or exceptional.
   *
   * @param token what {@link #beginBlocking} returned
   * @param s the calling thread's state
   */
  public static void endBlocking(int token, ThreadState s) {
    if (token != 0) {
      long start = s.sectionStart;
      s.section.exit();
      Tracer.span(SpanState.WAITING_FOR_IO, start);
    }
  }

  private static boolean inMemory(Class<?> type) {
    return ByteArrayInputStream.class.isAssignableFrom(type)
        || ByteArrayOutputStream.class.isAssignableFrom(type)
        || StringReader.class.isAssignableFrom(type)
        || CharArrayReader.class.isAssignableFrom(type)
        || StringWriter.class.isAssignableFrom(type)
        || CharArrayWriter.class.isAssignableFrom(type);
  }
}
