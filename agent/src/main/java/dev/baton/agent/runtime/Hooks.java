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
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/*
 * How a thread lives under the agent's GIL.
 *
 * Attach and detach. A thread attaches when it enters its outermost frame of included code and
 * detaches when that frame returns or throws. So the GIL is held exactly while included code is on
 * the thread's stack: a pool thread of the JDK that runs an included task holds it for the task and
 * not while it waits in the pool's queue, and main gives it up when main() returns, so the JVM's
 * wait for non-daemon threads cannot deadlock. The frame that attached knows it: enter() returns 1
 * to it, kept in a local of the instrumented method and handed to exit(); every nested frame gets 0
 * and its exit does nothing. No depth is counted: ThreadState.attached says whether an outer frame
 * attached, and only the slow path reads it. Attaching is GilRuntime.ensure() on the agent's
 * runtime, unless the thread already holds a GIL (a thread of a runtime the program built itself,
 * or one that called ensure() itself): then its checkpoints pass that GIL and it keeps its own
 * runtime. Either way the agent's SectionHandler goes on top of the thread's blocking handler, so
 * every section (the agent's and the program's own Blocking calls) is counted in `sections`.
 *
 * Checkpoints: the fast path. A checkpoint (method entry, backward branch) must cost a few loads
 * and a branch when there is nothing to do, as CPython's eval_breaker does, and must neither look
 * the thread's state up nor write anything. There is nothing to do while no thread waits for the
 * GIL: no drop can have been requested. So a backward branch reads one word, the waiter count of
 * the agent runtime's GIL, `watched`:
 *
 *   Gil g = watched(); if (g == null || g.waitingThreads() != 0) contended path
 *
 * where watched() returns the target of a MutableCallSite bound to a constant: the JIT folds it
 * (and the null test) into the compiled code and recompiles what depends on it when it changes,
 * which is rare (install, and below), so the compiled back branch is one load and a branch. The
 * site is written with setTarget and published with syncAll, under WATCH_LOCK.
 *
 * with no Thread.currentThread(): a thread that runs a loop passed the loop's method entry. A
 * method entry must also know whether this frame is the outermost one (it attaches then); a second
 * static word, `fastThread`, names the one thread, if any, that is known to be attached and free to
 * drop the GIL, so the entry is
 *
 *   if (fastThread == Thread.currentThread()) { if (contended, as above) fastGil.checkpoint(); }
 *   else slow path
 *
 * The contended path is the same test of `fastThread`, then the GIL's own checkpoint (one opaque
 * load of its gate; see Gil). In a loop of a few arithmetic instructions the test of the current
 * thread costs more than the back branch's two loads, which is why the back branch goes without
 * it; bench's AgentBench measures both shapes against the same loops uninstrumented.
 *
 * `watched` is null while no runtime is installed, and from the moment a thread attaches whose
 * checkpoints pass another GIL (a thread of a runtime the program built itself, or of a runtime
 * installed before) until the next install: that GIL's waiters are not counted in the agent GIL's,
 * so every checkpoint then takes the contended path. It does not come back when such threads
 * detach: a thread of another runtime that calls included code in a loop would otherwise make the
 * JIT recompile at each of its calls.
 *
 * `fastThread`. Invariant: when thread T reads `fastThread == T`, T is attached, holds `fastGil`
 * (or is inside that GIL's own checkpoint, handing it over), holds no monitor of included code,
 * runs no class initialiser and is in no blocking section. It holds because the word is written
 * only by the thread that holds the GIL (every write below is made holding it, and a hand-off of
 * the GIL orders them), a thread sets it to itself only on the slow path after checking those
 * conditions, and clears it (if it is itself) before any of them stops holding: entering a monitor
 * or a class initialiser, opening a blocking section, detaching. A thread can never read its own
 * name there after clearing it (its own later write hides the earlier one), and another thread's
 * stale value only sends it to the slow path. A thread that dropped the GIL inside
 * fastGil.checkpoint() is blocked there until it has the GIL back, so it polls again only as the
 * holder; the next holder's first contended checkpoint takes the slow path and makes itself the
 * fast thread: one state lookup per switch, not per call.
 *
 * What the fast path gives up: an exception raised in an attached thread from outside
 * (GilRuntime.raiseInThread) or a pending call for the runtime's main thread (addPendingCall)
 * reaches it at its next contended checkpoint or blocking call, not at its next checkpoint, since
 * neither makes a waiter. The agent's own runtime delivers neither (it takes no SIGINT).
 *
 * Checkpoints: the slow path. It looks the thread's state up and does what the words stand for: an
 * attached thread outside monitors, class initialisers and sections passes its GIL's checkpoint and
 * becomes the fast thread; otherwise the checkpoint does nothing. Why nothing while a monitor of
 * included code is held or a class initialiser runs (`monitors` > 0): thread A holding monitor M
 * must not give the GIL to a thread B that will block on M (or on the class's initialisation lock)
 * while holding the GIL, which A needs to leave M. Nor inside a blocking section: the thread holds
 * no GIL then (included code called back from a blocking call runs unlocked). A thread that holds
 * a monitor takes the slow path at each method entry (one state lookup) until it leaves it.
 *
 * Monitors. Since a monitor holder keeps the GIL between checkpoints, the only monitor holders that
 * do not hold it are threads inside blocking sections (sleep, wait, I/O while synchronized), and
 * threads that gave the GIL up to enter a monitor (from the moment the enter succeeds until they
 * have the GIL back). `releasedMonitorHolders` counts both, each counted before it lets the GIL
 * go. An instrumented monitorenter releases the GIL for the time it blocks when that count is not
 * zero (someone may hold the monitor without the GIL; entering could block), and enters directly
 * otherwise: then any holder of the monitor among attached threads is the caller itself, so the
 * enter cannot block on one of them. Holders the agent cannot see (code that is not included, the
 * JDK's own locks) are out of reach; the runtime's blocking detector reports such waits. For the
 * same reason a thread that the JDK calls into included code while it holds a lock of its own (a
 * computeIfAbsent function, a class loader's loadClass) waits for the GIL holding that lock: a
 * holder that then needs the lock deadlocks with it.
 *
 * Blocking calls. A call rewritten by the instrumenter runs between beginBlocking and endBlocking:
 * the GIL is released (SectionHandler.enter) unless the call is already inside a section, or the
 * receiver's class is itself instrumented (its own code will release where it blocks) or an
 * in-memory stream or reader that never blocks.
 *
 * Every JDK wait. A list of call sites cannot be complete (ExecutorService.close, invokeAll, a
 * parallel stream's join, Phaser, Exchanger, StampedLock, a wait through an interface-typed
 * receiver, Thread.join through reflection all block below calls nobody lists), so the choice is to
 * catch blocking where every path ends: the agent retransforms the few java.base callers of
 * Unsafe.park, Object.wait0 and Thread.sleepNanos0 (JdkWaits) so that each such wait runs between
 * jdkWaitBegin and jdkWaitEnd. jdkWaitBegin opens a section, releasing the GIL, when the thread
 * holds its GIL outside any section; the section closes, taking the GIL back, before the wait
 * returns into the JDK code that called it, so included code never runs without the GIL and the
 * GIL never stays with a parked, waiting or sleeping thread. The GIL's own wait for itself parks
 * too, and may be granted the GIL between its test and its park: jdkWaitBegin leaves alone a wait
 * with a dev.baton.gil frame among its nearest GIL_FRAMES frames (a stack walk, paid only by a
 * holder about to block), and a section's exit counts the thread as still in the section until it
 * has the GIL back. The rejected alternative, a watcher that releases the GIL on behalf of a holder
 * it sees blocked, cannot know that the holder has not just woken and run on into included code
 * without a handshake on every call. What stays out: native I/O reached other than through the
 * listed calls (a socket read below a library), which keeps the GIL; the blocking detector names
 * it.
 *
 * JDK locks. A JDK monitor that is entered cannot be intercepted (monitorenter in java.base is no
 * call), and a thread that blocks on one holding the GIL deadlocks if the monitor's holder waits
 * for the GIL: the holder is a thread that the JDK called back into included code under its own
 * lock (ConcurrentHashMap's bin lock around a key's equals or a remapping function, a synchronized
 * map's mutex around computeIfAbsent's function) and that gave the GIL away at a checkpoint of
 * that code. So a checkpoint that would let the GIL go (Gil.checkpointPending) first asks whether
 * the thread holds any monitor: included code's are counted (`monitors`, and then no checkpoint
 * drops), so any monitor the thread's stack reports (ThreadMXBean's locked monitors, paid once per
 * drop, and once per MONITOR_RECHECK_NANOS while the answer is yes) belongs to other code, and the
 * thread keeps the GIL until it has left that lock, as a C extension's callback keeps CPython's
 * GIL. A JDK monitor can then be held without the GIL only by a thread in a section or one that is
 * not attached; a thread that attaches (calls included code) while holding a JDK lock another
 * holder of the GIL then blocks on still deadlocks, and the runtime's watchdog names the holder.
 */

/**
 * The methods instrumented bytecode calls; see the design note in the source. Not for code written
 * by hand: {@link #exit(int)} takes what {@link #enter()} returned to the same frame, and the
 * monitor and blocking hooks take the {@link ThreadState} that {@link #state()} returned to it.
 *
 * <p>Threading: each method acts on the calling thread's state only; {@link #install} may be called
 * from any thread.
 */
public final class Hooks {
  /** Each thread's state; empty for threads that never ran included code (see {@link #peek}). */
  private static final ThreadLocal<ThreadState> STATE = new ThreadLocal<>();

  /** For the locked monitors of the thread about to let the GIL go; see "JDK locks". */
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** How long a thread that was found holding a lock of other code keeps the GIL unchecked. */
  private static final long MONITOR_RECHECK_NANOS = 1_000_000;

  /** Frames from a park up to the GIL's own wait, at most; see "Every JDK wait". */
  private static final int GIL_FRAMES = 32;

  private static final StackWalker WALKER = StackWalker.getInstance();

  /**
   * The thread that passes its checkpoints through {@link #fastGil} without looking its state up,
   * or null; see "Checkpoints: the fast path" in the design note for the invariant. Plain field:
   * written only by the GIL's holder, and a reader that is not the fast thread takes the slow path
   * whatever it reads.
   */
  private static Thread fastThread;

  /** The GIL {@link #fastThread} holds; written with it, before it. */
  private static Gil fastGil;

  /**
   * The agent runtime's GIL, whose waiter count the fast path reads, as a constant target; null
   * while no runtime is installed or once an attached thread passed another GIL. Changed only under
   * {@link #WATCH_LOCK}, with {@link MutableCallSite#syncAll} so that every thread sees it.
   */
  private static final MutableCallSite WATCHED_SITE =
      new MutableCallSite(MethodHandles.constant(Gil.class, null));

  private static final MethodHandle WATCHED = WATCHED_SITE.dynamicInvoker();

  /** Guards the writes of {@link #WATCHED_SITE}. */
  private static final Object WATCH_LOCK = new Object();

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
    watch(agentRuntime.gil());
    runtime = Objects.requireNonNull(agentRuntime, "agentRuntime");
  }

  /**
   * @return the runtime threads attach to, or null when none is installed
   */
  public static GilRuntime runtime() {
    return runtime;
  }

  // ---------------------------------------------------------------- frames and checkpoints

  /**
   * Entry of an included method: attaches at the outermost frame, else a checkpoint.
   *
   * @return 1 to the frame that attached, which hands it to {@link #exit(int)}; 0 to the others
   */
  public static int enter() {
    if (fastThread == Thread.currentThread()) {
      Gil g = watched();
      if (g == null || g.waitingThreads() != 0) {
        Gil fast = fastGil;
        if (fast.checkpointPending()) {
          handOver(fast, state());
        }
      }
      return 0;
    }
    return enterSlow();
  }

  /**
   * Entry of an included method that is not a switch point: attaches at the outermost frame, and is
   * no checkpoint.
   *
   * @return 1 to the frame that attached, which hands it to {@link #exit(int)}; 0 to the others
   */
  public static int attach() {
    if (fastThread == Thread.currentThread()) {
      return 0;
    }
    ThreadState s = state();
    if (s.attached) {
      return 0;
    }
    attach(s);
    return 1;
  }

  /**
   * Exit of an included method, normal or exceptional: detaches when the frame attached.
   *
   * @param frame what {@link #enter()} returned to this frame
   */
  public static void exit(int frame) {
    if (frame != 0) {
      detach(state());
    }
  }

  /**
   * A checkpoint (backward branch, constructor entry): passes the GIL on if another thread asked
   * for it, unless the thread is not attached, holds a monitor or is inside a blocking section.
   */
  public static void poll() {
    Gil g = watched();
    if (g == null || g.waitingThreads() != 0) {
      contended();
    }
  }

  /**
   * The calling thread's state, for the monitor and blocking hooks of a method that has them.
   *
   * @return the calling thread's state
   */
  public static ThreadState state() {
    ThreadState s = last;
    if (s == null || s.thread != Thread.currentThread()) {
      s = STATE.get();
      if (s == null) {
        s = new ThreadState();
        STATE.set(s);
      }
      last = s;
    }
    return s;
  }

  /** The calling thread's state if it has one; never creates it. */
  private static ThreadState peek() {
    ThreadState s = last;
    return s != null && s.thread == Thread.currentThread() ? s : STATE.get();
  }

  /**
   * Entry of a class initialiser: the initialisation lock counts as a monitor, so no checkpoint
   * gives the GIL away while it runs.
   */
  public static void clinitEnter() {
    ThreadState s = state();
    s.monitors++;
    leaveFastPath(s);
  }

  /** Exit of a class initialiser, normal or exceptional. */
  public static void clinitExit() {
    state().monitors--;
  }

  private static int enterSlow() {
    ThreadState s = state();
    if (s.attached) {
      checkpoint(s);
      return 0;
    }
    attach(s);
    return 1;
  }

  private static void contended() {
    if (fastThread == Thread.currentThread()) {
      Gil fast = fastGil;
      if (fast.checkpointPending()) {
        handOver(fast, state());
      }
    } else {
      ThreadState s = state();
      if (s.attached) {
        checkpoint(s);
      }
    }
  }

  /** The slow path's checkpoint of an attached thread; it makes the thread the fast one. */
  private static void checkpoint(ThreadState s) {
    Gil gil = s.gil;
    if (gil != null && s.monitors == 0 && s.sections == 0) {
      if (gil.checkpointPending() && !handOver(gil, s)) {
        return; // keeps the GIL for a lock of other code: not the fast thread until it passes one
      }
      // holding the GIL, and no hand-off was refused: this thread meets the fast path's conditions
      fastGil = gil;
      fastThread = s.thread;
    }
  }

  /**
   * A checkpoint that would let the GIL go: passes it unless the thread holds a monitor of code
   * that is not included (see "JDK locks" in the design note).
   *
   * @return whether the checkpoint was passed
   */
  private static boolean handOver(Gil gil, ThreadState s) {
    if (holdsOtherMonitor(s)) {
      leaveFastPath(s);
      return false;
    }
    gil.checkpoint();
    return true;
  }

  /**
   * Whether the thread holds a monitor: included code's are counted in {@link ThreadState#monitors}
   * and never get here, so any other is one of code that is not under the GIL. A positive answer is
   * kept for {@link #MONITOR_RECHECK_NANOS}, so that a thread running included code called back
   * under a JDK lock does not dump its own stack at every checkpoint.
   */
  private static boolean holdsOtherMonitor(ThreadState s) {
    long now = System.nanoTime();
    if (s.otherMonitor && now - s.otherMonitorCheckedAt < MONITOR_RECHECK_NANOS) {
      return true;
    }
    ThreadInfo[] info = THREADS.getThreadInfo(new long[] {s.thread.threadId()}, true, false);
    boolean held = info.length == 1 && info[0] != null && info[0].getLockedMonitors().length > 0;
    s.otherMonitor = held;
    s.otherMonitorCheckedAt = now;
    return held;
  }

  /** Before the thread stops meeting the fast path's conditions: it must not stay the fast one. */
  static void leaveFastPath(ThreadState s) {
    if (fastThread == s.thread) {
      fastThread = null;
    }
  }

  private static void attach(ThreadState s) {
    GilRuntime r = runtime;
    if (r != null) {
      bind(s, r); // may throw (a runtime closed meanwhile): then the thread stays detached
    }
    s.attached = true;
  }

  /** Gives the attaching thread its GIL and the section handler on top of its own. */
  private static void bind(ThreadState s, GilRuntime r) {
    Gil held = Gil.current();
    if (held != null) {
      s.gil = held;
      if (held != r.gil()) {
        watch(null); // its GIL's waiters are not the agent GIL's: see the design note
      }
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
    leaveFastPath(s);
    s.attached = false;
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

  /** The GIL whose waiters the fast path reads, or null for "always take the contended path". */
  private static Gil watched() {
    try {
      return (Gil) WATCHED.invokeExact();
    } catch (Throwable e) {
      throw new AssertionError("a constant method handle threw", e);
    }
  }

  private static void watch(Gil gil) {
    synchronized (WATCH_LOCK) {
      if (watched() != gil) {
        WATCHED_SITE.setTarget(MethodHandles.constant(Gil.class, gil));
        MutableCallSite.syncAll(new MutableCallSite[] {WATCHED_SITE});
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
    leaveFastPath(s);
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

  // ---------------------------------------------------------------- every JDK wait

  /**
   * Before one of the JDK's own waits (a park, {@code Object.wait}, a sleep), from wherever it was
   * reached: releases the GIL if the calling thread holds it, outside any section and outside the
   * GIL's own wait. Called by the JDK's code as the agent rewrote it; see "Every JDK wait".
   *
   * @return the token to hand to {@link #jdkWaitEnd(int)}
   */
  public static int jdkWaitBegin() {
    ThreadState s = peek();
    if (s == null
        || s.gil == null
        || s.sections != 0
        || s.inJdkWait
        || !s.gil.isHeldByCurrentThread()) {
      return 0;
    }
    s.inJdkWait = true;
    try {
      if (WALKER.walk(f -> f.limit(GIL_FRAMES).anyMatch(Hooks::gilFrame))) {
        return 0; // the GIL's own wait for itself (a grant may have come): never release there
      }
      return beginBlocking(s);
    } finally {
      s.inJdkWait = false;
    }
  }

  /**
   * After one of the JDK's own waits, normal or exceptional: takes the GIL back if {@link
   * #jdkWaitBegin()} released it.
   *
   * @param token what {@link #jdkWaitBegin()} returned
   */
  public static void jdkWaitEnd(int token) {
    if (token != 0) {
      endBlocking(token, state());
    }
  }

  private static boolean gilFrame(StackWalker.StackFrame frame) {
    return frame.getClassName().startsWith("dev.baton.gil.");
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
