package dev.baton.eventloop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Diagnostics of one loop: what it tells a person whose loop is slow, and how it names the
 * culprit.
 *
 * Publication. The loop publishes the step it runs (a callback, or a task's step) and a step
 * counter with opaque writes, two per step and nothing else on the hot path; the watchdog thread
 * (LoopWatchdog) samples both every tick. A counter that has not moved while a step is published
 * means one step has been running since the watchdog first saw it.
 *
 * Slow batches (asyncio's slow_callback_duration). The pass measures its callbacks as one batch
 * (two clock reads per pass, see EventLoop); a batch over the threshold is logged at WARN. The
 * batch does not know which of its steps was slow: the watchdog does, when a step ran past the
 * threshold while it looked, and leaves it as the suspect that the warning names; otherwise the
 * warning names the batch's single step, or says how many steps it had.
 *
 * Blocked loop (Vert.x's blocked-thread checker). A step still running after the blocked threshold
 * gets the stack of the thread running it logged, and again after each further threshold.
 *
 * Names. A step is named by its own toString when its class has one (a task's step reads
 * `task "fetch"`, a done callback names its callback and its future), otherwise by its class:
 * for a lambda, the class that declared it, cut at "$$Lambda" (`lambda in dev.acme.Poller`), as
 * the hidden class's name plus its address would mean nothing to a reader. When the watchdog names
 * a suspect of that kind, it adds the frame the step was running in, taken from the loop thread's
 * stack just above LoopPass.invokeStep, which calls the step and nothing else
 * (`at dev.acme.Poller.lambda$start$0(Poller.java:42)`): the implementation method and its line,
 * with no SerializedLambda and no cost until a step is already slow. Recording where a callback
 * was scheduled would cost a stack walk per callSoon; the frame where it runs costs one stack
 * sample per slow step, on the watchdog's thread.
 */

/**
 * Slow-callback warnings, the blocked-loop watchdog's per-loop state, and the loop's diagnostic
 * counters; see the notes at the top of this file.
 */
final class LoopDiagnostics {
  private static final VarHandle STEP_SEQ;
  private static final VarHandle CURRENT_STEP;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STEP_SEQ = lookup.findVarHandle(LoopDiagnostics.class, "stepSeq", long.class);
      CURRENT_STEP = lookup.findVarHandle(LoopDiagnostics.class, "currentStep", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The frame that calls every step and nothing else; the step's own code is the frame above. */
  static final String STEP_RUNNER_CLASS = LoopPass.class.getName();

  static final String STEP_RUNNER_METHOD = "invokeStep";

  /** Whether a class declares its own toString, so that its instances name themselves. */
  private static final ClassValue<Boolean> OWN_TO_STRING =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
          try {
            return type.getMethod("toString").getDeclaringClass() != Object.class;
          } catch (NoSuchMethodException | SecurityException e) {
            return false;
          }
        }
      };

  private final String loopName;

  /** Slow-batch threshold in ns; read by the loop and the watchdog. */
  final long slowNanos;

  /** Blocked-loop warning threshold in ns; read by the watchdog. */
  final long blockedNanos;

  /** Steps run; opaque writes by the loop thread, opaque reads by the watchdog. */
  @SuppressWarnings("unused")
  private long stepSeq;

  /** The step being run, null between steps; opaque, like {@link #stepSeq}. */
  @SuppressWarnings("unused")
  private Object currentStep;

  /** A step the watchdog saw running longer than slowNanos, with its name; the loop clears it. */
  private volatile Suspect slowSuspect;

  /** Written by the loop thread only; read by any thread. */
  private volatile long slowBatches;

  private volatile String lastSlowStep;

  /** Written by the watchdog thread only; read by any thread. */
  private volatile long blockedWarnings;

  /** Task failures logged as never retrieved; counted by the loop thread or the cleaner's. */
  final AtomicLong unretrieved = new AtomicLong();

  // Watchdog thread only: the step counter at the last tick, when it last moved, the last dump.
  private long wdSeq = -1;
  private long wdSince;
  private long wdLastDump;

  private record Suspect(Object step, String name) {}

  LoopDiagnostics(String loopName, long slowNanos, long blockedNanos) {
    this.loopName = loopName;
    this.slowNanos = slowNanos;
    this.blockedNanos = blockedNanos;
  }

  /** Loop thread: {@code step} starts. */
  void stepStarted(Object step) {
    CURRENT_STEP.setOpaque(this, step);
    STEP_SEQ.setOpaque(this, (long) STEP_SEQ.getOpaque(this) + 1);
  }

  /** Loop thread: the step ended, or the loop stopped. */
  void stepEnded() {
    CURRENT_STEP.setOpaque(this, (Object) null);
  }

  /**
   * Loop thread: a pass's batch of {@code steps} steps took {@code nanos}, more than {@link
   * #slowNanos}; {@code last} is its last step.
   */
  void slowBatch(long nanos, int steps, Object last) {
    Suspect suspect = slowSuspect;
    slowSuspect = null;
    String what =
        suspect != null
            ? suspect.name
            : steps == 1 ? describe(last) : "a batch of " + steps + " callbacks";
    slowBatches++; // loop thread only: no lost update
    lastSlowStep = what;
    EventLoop.LOG.warn(
        "Executing {} took {} ms on loop \"{}\" (threshold {} ms): the loop could run nothing"
            + " else meanwhile; move blocking work to runInExecutor",
        what,
        TimeUnit.NANOSECONDS.toMillis(nanos),
        loopName,
        TimeUnit.NANOSECONDS.toMillis(slowNanos));
  }

  /**
   * Watchdog thread, every tick while the loop runs.
   *
   * @param now System.nanoTime()
   * @param runner the thread running the loop's steps now (a racy read, benign: at worst the stack
   *     of the loop's own thread)
   */
  void tick(long now, Thread runner) {
    long seq = (long) STEP_SEQ.getOpaque(this);
    Object step = CURRENT_STEP.getOpaque(this);
    if (step == null || seq != wdSeq) {
      wdSeq = seq;
      wdSince = now;
      wdLastDump = now;
      return;
    }
    long running = now - wdSince;
    Suspect suspect = slowSuspect;
    if (running >= slowNanos && (suspect == null || suspect.step != step)) {
      slowSuspect = new Suspect(step, describeRunning(step, runner));
    }
    if (running >= blockedNanos && now - wdLastDump >= blockedNanos) {
      wdLastDump = now;
      blockedWarnings++; // watchdog thread only
      BlockedLoopException where =
          new BlockedLoopException(
              "loop \""
                  + loopName
                  + "\" has been blocked for "
                  + TimeUnit.NANOSECONDS.toMillis(running)
                  + " ms by "
                  + describe(step)
                  + " on thread \""
                  + (runner == null ? "none" : runner.getName())
                  + "\"");
      if (runner != null) {
        where.setStackTrace(runner.getStackTrace());
      }
      EventLoop.LOG.warn("{}; its stack:", where.getMessage(), where);
    }
  }

  /** Any thread; for tests. */
  boolean hasSuspect() {
    return slowSuspect != null;
  }

  long slowBatches() {
    return slowBatches;
  }

  String lastSlowStep() {
    return lastSlowStep;
  }

  long blockedWarnings() {
    return blockedWarnings;
  }

  /**
   * A name for a step or callback that a person recognises, without looking at a stack: its own
   * toString, else its class (for a lambda, the class that declared it). Cold path only.
   *
   * @param step a Runnable, a task's step, or null
   * @return its name
   */
  static String describe(Object step) {
    if (step == null) {
      return "null";
    }
    Class<?> type = step.getClass();
    String name = type.getName();
    int lambda = name.indexOf("$$Lambda");
    if (lambda >= 0) {
      return "lambda in " + name.substring(0, lambda);
    }
    if (OWN_TO_STRING.get(type)) {
      return String.valueOf(step);
    }
    return name;
  }

  /**
   * {@link #describe}, plus, for a step that does not name itself, the frame of the step's code
   * that {@code runner} is executing now. Watchdog thread; one stack sample per slow step.
   */
  static String describeRunning(Object step, Thread runner) {
    String name = describe(step);
    if (runner == null || OWN_TO_STRING.get(step.getClass())) {
      return name;
    }
    StackTraceElement frame = stepFrame(runner.getStackTrace());
    return frame == null ? name : name + " at " + frameName(frame);
  }

  /**
   * @return the frame just above the loop's step runner, skipping a lambda's own frame when hidden
   *     frames are shown; null if the stack does not run a step
   */
  static StackTraceElement stepFrame(StackTraceElement[] stack) {
    for (int i = 0; i < stack.length; i++) {
      StackTraceElement e = stack[i];
      if (e.getMethodName().equals(STEP_RUNNER_METHOD)
          && e.getClassName().equals(STEP_RUNNER_CLASS)) {
        for (int j = i - 1; j >= 0; j--) {
          if (!stack[j].getClassName().contains("$$Lambda")) {
            return stack[j];
          }
        }
        return null;
      }
    }
    return null;
  }

  private static String frameName(StackTraceElement e) {
    String where =
        e.getFileName() == null
            ? "unknown source"
            : e.getLineNumber() >= 0 ? e.getFileName() + ":" + e.getLineNumber() : e.getFileName();
    return e.getClassName() + "." + e.getMethodName() + "(" + where + ")";
  }
}
