package dev.baton.rhino;

import dev.baton.gil.GilRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.mozilla.javascript.Callable;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.Script;
import org.mozilla.javascript.Scriptable;
import org.mozilla.javascript.ScriptableObject;
import org.mozilla.javascript.WrapFactory;
import org.mozilla.javascript.debug.DebugFrame;
import org.mozilla.javascript.debug.DebuggableScript;
import org.mozilla.javascript.debug.Debugger;

/**
 * A Rhino {@link ContextFactory} whose contexts run scripts under a {@link GilRuntime}'s GIL, with
 * CPython's threading semantics: one thread runs script code at a time, the GIL passes between
 * script threads at the interpreter's instruction observer (CPython's eval breaker), and a script's
 * blocking calls ({@code threading.sleep}, a lock, an event, a queue, {@code io.get}) release it.
 *
 * <pre>{@code
 * try (GilRuntime runtime = GilRuntime.builder().name("js").build()) {
 *   GilContextFactory rhino = GilContextFactory.of(runtime);
 *   Object result = rhino.call(cx -> {
 *     ScriptableObject scope = rhino.initStandardObjects(cx); // with threading and io
 *     return cx.evaluateString(scope, source, "main.js", 1, null);
 *   });
 * }
 * }</pre>
 *
 * <h2>Threading contract</h2>
 *
 * <p>Use it from any thread, as any {@code ContextFactory}. Every top-level call into script code
 * (an {@code evaluateString}, a {@code Function.call} from Java) holds the runtime's GIL for its
 * duration, taking it through {@link GilRuntime#ensure()} when the calling thread does not hold it
 * already; so Rhino's scopes and objects, shared by every script thread, are only touched by the
 * holder. Threads that scripts start with {@code threading.start} are threads of the runtime, and
 * {@link GilRuntime#close()} waits for them, as interpreter shutdown does. After the runtime is
 * closed a call into script code throws {@link java.util.concurrent.RejectedExecutionException}.
 * {@link #close(Duration)} bounds the shutdown: script threads still running after the timeout are
 * interrupted and end at their next checkpoint, so that a script cannot keep the JVM alive.
 *
 * <h2>Java calls that block</h2>
 *
 * <p>A script's call into a JDK method that blocks ({@code java.lang.Thread.sleep}, a {@code
 * CountDownLatch}'s {@code await}, a {@code BlockingQueue}'s {@code take}, a {@code Future}'s
 * {@code get}, a stream's {@code read}, ...) runs inside a {@link dev.baton.core.Blocking} section
 * and so releases the GIL, as CPython's blocking calls do: the contexts' {@code WrapFactory}
 * ({@code BlockingJavaCalls}, whose block comment lists the methods and what remains) wraps the
 * JDK's blocking types. Any other Java method keeps the GIL while it blocks.
 *
 * <h2>Interpreted and compiled mode</h2>
 *
 * <p>By default contexts run in Rhino's interpreter ({@code setInterpretedMode(true)}, the former
 * optimization level -1) with an instruction observer: the interpreter adds up the bytecode it ran
 * and, at each jump (a loop's back edge, a branch of an {@code if} or {@code ?:}, a {@code
 * finally}) or thrown exception where the total passes the {@linkplain
 * Builder#observerThreshold(int) threshold}, calls {@link #observeInstructionCount}, which is a
 * {@linkplain dev.baton.gil.Gil#checkpoint() checkpoint}. The interpreter observes nothing at
 * calls, so a recursion without jumps would keep the GIL to its end (or to an {@code
 * OutOfMemoryError}); the contexts therefore also carry a Rhino {@code Debugger} whose frames'
 * {@code onEnter} is a checkpoint: every call of an interpreted function is one. Straight-line code
 * between two jumps and two calls is never interrupted: {@code x = x + 1} in a loop loses no update
 * under the GIL, while {@code x = f(x)} may (the GIL can pass at the call, between the read of
 * {@code x} and its write), as {@code x = x + f()} may in CPython.
 *
 * <p>{@link Builder#compiled(boolean) compiled(true)} lets Rhino compile scripts to JVM classes
 * with observer counts emitted ({@code setGenerateObserverCount(true)}): the generated code adds
 * estimated counts at blocks, jump targets, returns and throws, so checkpoints fall between
 * statements and at function returns rather than at the interpreter's jumps and calls (compiled
 * code has no call hook: a recursion without returns ends in a {@code StackOverflowError}, which
 * the thread's {@code error()} reports); an expression statement without a call ({@code x = x + 1})
 * is still never interrupted, and {@code x = f(x)} still may be. A context switched to compiled
 * mode without observer counts reaches no checkpoint at all: a CPU-bound script then keeps the GIL
 * until it blocks or ends (the runtime's watchdog names it). Interpreted mode is the default
 * because its switch points are the interpreter's own and do not depend on the compiler.
 */
public final class GilContextFactory extends ContextFactory {
  /** The default {@linkplain Builder#observerThreshold(int) observer threshold}. */
  public static final int DEFAULT_OBSERVER_THRESHOLD = 100;

  private final GilRuntime runtime;
  private final int observerThreshold;
  private final boolean compiled;

  /** Numbers the script threads of this factory: script-1, script-2, ... */
  private final AtomicInteger threadNumbers = new AtomicInteger();

  /** The script threads started and not yet ended; each adds and removes itself. */
  private final Set<Thread> scriptThreads = ConcurrentHashMap.newKeySet();

  /** The interpreter's hook at every function call: a checkpoint, as at the observer. */
  private final Debugger calls = new CallCheckpoints();

  private GilContextFactory(Builder builder) {
    this.runtime = builder.runtime;
    this.observerThreshold = builder.observerThreshold;
    this.compiled = builder.compiled;
  }

  /**
   * @param runtime the runtime whose GIL the scripts run under
   * @return a factory with the defaults: interpreted mode, observer threshold {@value
   *     #DEFAULT_OBSERVER_THRESHOLD}
   */
  public static GilContextFactory of(GilRuntime runtime) {
    return builder(runtime).build();
  }

  /**
   * @param runtime the runtime whose GIL the scripts run under
   * @return a builder for a factory bound to {@code runtime}
   */
  public static Builder builder(GilRuntime runtime) {
    return new Builder(runtime);
  }

  /**
   * @return the runtime whose GIL this factory's contexts hold
   */
  public GilRuntime runtime() {
    return runtime;
  }

  /**
   * Rhino's standard objects plus the {@code threading} and {@code io} globals ({@link
   * #defineGlobals}).
   *
   * @param cx the current context, made by this factory
   * @return a new top-level scope
   */
  public ScriptableObject initStandardObjects(Context cx) {
    ScriptableObject scope = cx.initStandardObjects();
    defineGlobals(cx, scope);
    return scope;
  }

  /**
   * Defines, in {@code scope}, the global {@code threading} (Python's {@code threading} and {@code
   * queue} for scripts: {@code start}, {@code sleep}, {@code Lock}, {@code Event}, {@code Queue},
   * described in this package's {@code ScriptThreading}) and the global {@code io} ({@code
   * io.get(url)}, an HTTP GET that releases the GIL while it waits, in {@code ScriptIo}). Threads
   * started by the script share {@code scope}.
   *
   * @param cx the current context, made by this factory
   * @param scope the top-level scope scripts run in
   */
  public void defineGlobals(Context cx, ScriptableObject scope) {
    Objects.requireNonNull(cx, "cx");
    Objects.requireNonNull(scope, "scope");
    ScriptableObject.defineProperty(
        scope, "threading", ScriptThreading.create(this, cx, scope), ScriptableObject.DONTENUM);
    ScriptableObject.defineProperty(
        scope, "io", ScriptIo.create(cx, scope), ScriptableObject.DONTENUM);
  }

  /**
   * @return the name for the next script thread
   */
  String nextThreadName() {
    return "script-" + threadNumbers.incrementAndGet();
  }

  @Override
  protected Context makeContext() {
    Context cx = super.makeContext();
    cx.setLanguageVersion(Context.VERSION_ES6);
    cx.setInterpretedMode(!compiled);
    cx.setGenerateObserverCount(compiled);
    cx.setInstructionObserverThreshold(observerThreshold);
    if (!compiled) {
      cx.setDebugger(calls, null); // its frames' onEnter: a checkpoint at every function call
    }
    WrapFactory wraps = new BlockingJavaCalls(); // the JDK's blocking calls release the GIL
    // hand scripts JS strings and numbers, not wrapped Java objects, from host functions
    wraps.setJavaPrimitiveWrap(false);
    cx.setWrapFactory(wraps);
    return cx;
  }

  /** The eval breaker: a checkpoint of the GIL, which the thread holds (see {@link #doTopCall}). */
  @Override
  protected void observeInstructionCount(Context cx, int instructionCount) {
    checkpoint();
  }

  /**
   * A checkpoint of the GIL; a script thread that reaches one after its runtime was closed without
   * it (a bounded close that gave up) ends there, as {@link #close(Duration)} describes.
   */
  void checkpoint() {
    runtime.gil().checkpoint();
    if (runtime.isClosed() && scriptThreads.contains(Thread.currentThread())) {
      throw new ScriptThreadEnded(
          "script thread \""
              + Thread.currentThread().getName()
              + "\" ended: runtime \""
              + runtime.name()
              + "\" was closed while it ran");
    }
  }

  /**
   * Closes the runtime, waiting at most {@code timeout} for its threads ({@link
   * GilRuntime#close(Duration)}); then ends the script threads still running: each is interrupted
   * (which ends its waits on {@code threading}'s primitives and its interruptible Java calls) and
   * ends at its next checkpoint with an {@link Error} that scripts cannot catch, so that the JVM
   * can exit. A script thread blocked where neither reaches it (a Java call that ignores
   * interrupts) is left running.
   *
   * @param timeout how long to wait for the threads to end by themselves, and then again for the
   *     script threads to end once told; zero or more
   * @return true when every thread ended
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public boolean close(Duration timeout) {
    if (runtime.close(timeout)) {
      return true;
    }
    List<Thread> left = new ArrayList<>(scriptThreads);
    for (Thread t : left) {
      t.interrupt();
    }
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException beyondThreeCenturies) {
      nanos = Long.MAX_VALUE / 2;
    }
    long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2);
    boolean ended = true;
    for (Thread t : left) {
      try {
        long remaining = deadline - System.nanoTime();
        if (remaining > 0) {
          t.join(Duration.ofNanos(remaining));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      ended &= !t.isAlive();
    }
    return ended;
  }

  /** A script thread begins ({@code true}) or ends. */
  void scriptThread(Thread thread, boolean begins) {
    if (begins) {
      scriptThreads.add(thread);
    } else {
      scriptThreads.remove(thread);
    }
  }

  /** Ends a script thread after a bounded close; an Error, so that no script catch stops it. */
  static final class ScriptThreadEnded extends Error {
    private static final long serialVersionUID = 1L;

    ScriptThreadEnded(String message) {
      super(message, null, false, false);
    }
  }

  /** The interpreter's debugger: one frame per call, whose entry is a checkpoint. */
  private static final class CallCheckpoints implements Debugger, DebugFrame {
    @Override
    public DebugFrame getFrame(Context cx, DebuggableScript fnOrScript) {
      return this;
    }

    @Override
    public void onEnter(Context cx, Scriptable activation, Scriptable thisObj, Object[] args) {
      if (cx.getFactory() instanceof GilContextFactory factory) {
        factory.checkpoint();
      }
    }
  }

  /** Holds the GIL around every top-level call into a function. */
  @Override
  protected Object doTopCall(
      Callable callable, Context cx, Scriptable scope, Scriptable thisObj, Object[] args) {
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      return super.doTopCall(callable, cx, scope, thisObj, args);
    }
  }

  /** Holds the GIL around every top-level run of a script. */
  @Override
  protected Object doTopCall(Script script, Context cx, Scriptable scope, Scriptable thisObj) {
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      return super.doTopCall(script, cx, scope, thisObj);
    }
  }

  @Override
  public String toString() {
    return "GilContextFactory["
        + runtime.name()
        + (compiled ? ", compiled" : ", interpreted")
        + ", observer threshold "
        + observerThreshold
        + "]";
  }

  /** Configures a {@link GilContextFactory}. Not thread-safe; use it on one thread. */
  public static final class Builder {
    private final GilRuntime runtime;
    private int observerThreshold = DEFAULT_OBSERVER_THRESHOLD;
    private boolean compiled;

    private Builder(GilRuntime runtime) {
      this.runtime = Objects.requireNonNull(runtime, "runtime");
    }

    /**
     * How much script work runs between two observer calls, in Rhino's units: bytes of interpreter
     * bytecode, plus 100 per function call (default {@value #DEFAULT_OBSERVER_THRESHOLD}). The
     * observer runs at the first jump after the count passes the threshold; smaller means more
     * checkpoints (each costs a load when no thread waits for the GIL), larger means a waiting
     * thread may wait a little longer past its switch interval.
     *
     * @param threshold at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code threshold} is less than 1
     */
    public Builder observerThreshold(int threshold) {
      if (threshold < 1) {
        throw new IllegalArgumentException(
            "observerThreshold must be at least 1 (0 would turn the checkpoints off), got "
                + threshold);
      }
      this.observerThreshold = threshold;
      return this;
    }

    /**
     * @param compiled true to compile scripts to JVM classes with observer counts emitted (see the
     *     class comment for where the checkpoints then fall); false, the default, for Rhino's
     *     interpreter
     * @return this builder
     */
    public Builder compiled(boolean compiled) {
      this.compiled = compiled;
      return this;
    }

    /**
     * @return a new factory
     */
    public GilContextFactory build() {
      return new GilContextFactory(this);
    }
  }
}
