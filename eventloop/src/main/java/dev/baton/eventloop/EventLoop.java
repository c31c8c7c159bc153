package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import dev.baton.core.BlockingCallable;
import dev.baton.core.BlockingHandler;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.eventloop.internal.RunnableRing;
import dev.baton.eventloop.jfr.SlowCallbackEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design notes. The loop has three layers, as Netty's executors do: this class is the facade,
 * the owner of the loop's thread and the pass (callbacks, timers, the sleep); I/O is behind
 * IoHandler (NioIoHandler owns the selector); diagnostics (slow callbacks, the blocked-loop
 * watchdog, counters) are in LoopDiagnostics. Tasks (Task, Tasks, internal.Strand) run on top, as
 * steps the pass runs like any callback.
 *
 * Iteration. One pass of the loop:
 *   1. move what other threads submitted (the MPSC inbox) to the ready ring;
 *   2. read the clock once (t0); run exactly the callbacks that are in the ready ring now, FIFO
 *      (callbacks they schedule run in the next pass, so a callback that reschedules itself cannot
 *      starve timers or I/O);
 *   3. run the timers whose deadline is <= t0 and that were scheduled before the pass began;
 *   4. read the clock again (t1): t1 - t0 is the batch's duration, checked against the
 *      slow-callback threshold (this pair is the only clock cost of a pass);
 *   5. poll I/O without waiting if callbacks are ready, else wait in the selector (or park when no
 *      channel is registered) until the next timer's deadline, an I/O event, or a wake-up.
 * The previous pass's end time serves as the next pass's start when nothing happened in between
 * but moving the inbox over (`clockFresh`): it is only ever earlier than the true time, so a timer
 * still never fires early, and a busy loop reads the clock once per pass instead of twice.
 *
 * Cross-thread wake-up (Netty's pattern). `sleeping` is 0 while the loop runs, and PARKED or
 * SELECTING from just before the loop checks the inbox for the last time until it wakes. A
 * producer offers to the inbox, then CASes `sleeping` from non-zero to 0 and, if it won, wakes the
 * loop; so there is at most one wake-up (one unpark or one selector wake-up syscall) per sleep.
 * The loop's volatile write of `sleeping` and its read of the inbox, and the producer's offer and
 * its volatile read of `sleeping`, form a Dekker pair: either the loop sees the item and does not
 * sleep, or the producer sees the loop asleep and wakes it. A wake-up that arrives after the loop
 * woke for another reason leaves a permit (or a selector wake-up) that costs one extra pass.
 *
 * Closing: nothing submitted from another thread is dropped. The invariant: every thread-safe
 * submission (callSoonThreadSafe, createTaskThreadSafe, and the completions that runInExecutor and
 * wrapFuture send back) is either refused at once with RejectedExecutionException, or run, or, when
 * the loop closes before running it, given its own end (`Abandonable.abandon`: a task's future
 * completes exceptionally, a result from outside completes the future's view for other threads).
 * As j.u.c.ThreadPoolExecutor and Netty's SingleThreadEventExecutor do, a producer checks `state`,
 * offers to the inbox, then reads `state` again. close() writes CLOSED, then drains the inbox for
 * the last time (under `lateLock`, then `closeDrained` is set). The producer's offer-then-read and
 * close's write-then-drain form a Dekker pair (all volatile): if the second read saw the loop
 * open, close's drain comes after the offer and finds the item. If it saw CLOSED, the item was
 * either taken by that drain (the producer returns normally: close runs or abandons it) or is
 * still in the inbox: the producer then waits for `closeDrained`, moves what is left in the inbox
 * to `lateItems` and takes its own item back out (by identity, one occurrence), and is refused
 * like a submission that came after close. The inbox has a single consumer throughout: the loop's
 * thread until close, then whoever holds `lateLock`. Every item moved to `lateItems` belongs to a
 * producer that read CLOSED after its offer, so each is taken back by its own producer. What the
 * loop's own thread scheduled (the ready ring, timers) is dropped at close as asyncio drops it;
 * dropped timers report isCancelled(), and the thread-safe futures of tasks still live at close
 * complete with CancellationException, so that no thread waits on a closed loop for ever.
 *
 * Ownership. `owner` is the only thread allowed to call loop-only methods: the thread that runs
 * the loop, or, while a task runs on its own virtual thread, that task's thread. See Task.
 *
 * Under a GIL. A loop run on a thread with a blocking handler (a GIL runtime's thread) keeps what
 * that handler holds while it runs steps: a virtual-thread task's steps get it with the baton
 * (VirtualThreadStrand), a continuation's run on the loop's thread anyway; the loop gives it up
 * while it sleeps (sleep() is a blocking section) and offers it at the end of every pass
 * (`passHandler.checkpoint()`). The contract is core's BlockingHandler, "Taking turns".
 */

/**
 * A single-threaded cooperative event loop in the image of CPython's asyncio: callbacks, timers,
 * tasks written as sequential code that switch only at {@link Tasks#await}, and non-blocking I/O on
 * one selector. Made by {@link #builder()}, or run for one main task by {@link #run(TaskBody)}
 * (asyncio's {@code asyncio.run}). How a pass runs is described at the top of this class's source.
 *
 * <h2>Threading contract</h2>
 *
 * <p>Methods are <em>loop-only</em> unless they say otherwise: they may be called only by the
 * thread running the loop (or a task of the loop); while it does not run, by the thread that
 * created it or last ran it. {@link #runForever()}, {@link #runUntilComplete} and {@link #close()}
 * of a loop that is not running may be called by any thread, which becomes the loop's thread. Any
 * other thread gets a {@link BatonMisuseException} naming both threads, always. Other threads use
 * {@link #callSoonThreadSafe(Runnable)}, {@link #createTaskThreadSafe} and {@link Future#get()}.
 * New work given to a closed loop is refused with {@link RejectedExecutionException}.
 *
 * <h2>Errors</h2>
 *
 * <p>An exception thrown by a callback is logged (SLF4J, logger {@code dev.baton.eventloop.
 * EventLoop}, level ERROR) with the callback's name, and the loop goes on.
 *
 * <h2>Timers</h2>
 *
 * <p>The clock is {@link System#nanoTime()}, read once per pass: a timer never fires before its
 * deadline, and fires in the first pass that starts after it. When channels are registered the loop
 * waits in the selector, whose timeout is in whole milliseconds, rounded up: timers are then late
 * by up to about 1 ms plus the OS's wake-up latency; without channels the loop parks with
 * nanosecond timeouts (late by the OS's timer slack, typically 50-100 µs).
 */
public final class EventLoop implements AutoCloseable {
  static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);

  private static final int IDLE = 0;
  private static final int RUNNING = 1;
  private static final int CLOSED = 2;

  private static final int AWAKE = 0;
  private static final int PARKED = 1;
  private static final int SELECTING = 2;

  /** Inbox items moved to the ready ring per pass, at most; the rest wait for the next pass. */
  private static final int INBOX_BATCH = 4096;

  /** A callback running this long is marked slow on the trace timeline (asyncio's default). */
  static final long SLOW_CALLBACK_NANOS = 100_000_000L;

  private static final VarHandle SLEEPING;

  static {
    try {
      SLEEPING = MethodHandles.lookup().findVarHandle(EventLoop.class, "sleeping", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    // initialises JFR's event class here, once, and not inside the first step a loop runs, which
    // it would make slow (its class initialisation can take over 100 ms)
    new SlowCallbackEvent();
  }

  /** The loop whose thread (or task thread) the current thread is; see {@link #current()}. */
  private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

  private static final AtomicInteger EXECUTOR_THREADS = new AtomicInteger();

  private final String name;
  private final TaskMechanism mechanism;

  /** The I/O layer. Loop thread only, but for {@link IoHandler#wakeup()}. */
  private final IoHandler io;

  /** Slow callbacks, the watchdog's view, counters. */
  final LoopDiagnostics diagnostics;

  /** The task whose step is running, null in plain callbacks. Loop thread only. */
  Task<?> currentTask;

  /** Tasks not done yet, in creation order. Loop thread only. */
  private final Set<Task<?>> liveTasks = new LinkedHashSet<>();

  /** Failures of tasks to log at close unless retrieved. Loop thread only. */
  private final List<FailureReport> failureReports = new ArrayList<>();

  /** Created on first use of {@link #runInExecutor(Callable)}. Loop thread only. */
  private ExecutorService defaultExecutor;

  /** Loop thread only. */
  private final RunnableRing ready = new RunnableRing(256);

  /** Loop thread only. */
  final TimerHeap timers = new TimerHeap();

  /** Any thread offers; the loop thread alone polls. */
  private final MpscUnboundedAtomicArrayQueue<Runnable> inbox =
      new MpscUnboundedAtomicArrayQueue<>(1024);

  /** Guards the inbox's consumer side from close on; see "Closing" in the design notes. */
  private final Object lateLock = new Object();

  /** Whether close() has drained the inbox for the last time. Guarded by {@link #lateLock}. */
  private boolean closeDrained;

  /**
   * Submissions found in the inbox after close drained it, until each producer takes its own back.
   * Guarded by {@link #lateLock}.
   */
  private final List<Runnable> lateItems = new ArrayList<>();

  /** When the last pass ended (System.nanoTime()); loop thread only. */
  private long passEnd;

  /**
   * Whether {@link #passEnd} may stand for the next pass's start: true only when the loop went
   * straight from one pass to the next without sleeping or polling I/O. Loop thread only.
   */
  private boolean clockFresh;

  /** Loop time zero: the loop's clock is {@code System.nanoTime() - origin}. */
  private final long origin = System.nanoTime();

  /**
   * The thread allowed to call loop-only methods. Plain field: written only by the thread that
   * holds the baton, just before it hands the baton over through a volatile write, so the next
   * holder reads its own identity. Other threads may read a stale value, but never themselves, so
   * their check still fails as it should.
   */
  Thread owner;

  /** The running thread's blocking handler, or null; confined to the loop's thread. */
  private BlockingHandler passHandler;

  /** The thread running {@link #runForever()}, null when idle. Written by it; read by wakers. */
  private volatile Thread loopThread;

  /** IDLE, RUNNING or CLOSED. Written by the owner; read by any thread. */
  private volatile int state;

  /** AWAKE, PARKED or SELECTING; see the design notes. Accessed through {@link #SLEEPING}. */
  @SuppressWarnings("unused")
  private volatile int sleeping;

  /** Loop thread only. */
  private boolean stopRequested;

  /** Schedule order of timers. Loop thread only. */
  private long timerSeq;

  /** Timeout of the next sleep for {@link #sleepAction}, in ns; -1 for none. Loop thread only. */
  private long sleepNanos;

  private final BlockingCallable<Void, IOException> sleepAction = this::sleepNow;

  private EventLoop(String name, TaskMechanism mechanism, long slowNanos, long blockedNanos) {
    this.name = name;
    this.mechanism = mechanism;
    mechanism.requireAvailable();
    this.io = new NioIoHandler(name);
    this.diagnostics = new LoopDiagnostics(name, slowNanos, blockedNanos);
    this.owner = Thread.currentThread();
  }

  /**
   * A builder of loops: name "loop", the {@linkplain TaskMechanism#defaultMechanism() default task
   * mechanism}, the slow-callback threshold of the system property {@code
   * baton.eventloop.slowCallbackMillis} (default 100 ms, asyncio's), the blocked-loop threshold of
   * {@code baton.eventloop.blockedWarningMillis} (default 2 s).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * How a loop is made: {@code EventLoop.builder().name("io").build()}. Not thread-safe; a builder
   * may build several loops.
   */
  public static final class Builder {
    private String name = "loop";
    private TaskMechanism mechanism = TaskMechanism.defaultMechanism();
    private long slowNanos =
        TimeUnit.MILLISECONDS.toNanos(Long.getLong("baton.eventloop.slowCallbackMillis", 100));
    private long blockedNanos =
        TimeUnit.MILLISECONDS.toNanos(Long.getLong("baton.eventloop.blockedWarningMillis", 2000));

    private Builder() {}

    /**
     * @param name used in thread names and log messages
     * @return this builder
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * @param mechanism how the loop's tasks get their own stack
     * @return this builder
     */
    public Builder mechanism(TaskMechanism mechanism) {
      this.mechanism = Objects.requireNonNull(mechanism, "mechanism");
      return this;
    }

    /**
     * How long one pass's callbacks may take before a WARN names the slow one (asyncio's {@code
     * slow_callback_duration}).
     *
     * @param threshold positive
     * @return this builder
     */
    public Builder slowCallbackThreshold(Duration threshold) {
      this.slowNanos = positiveNanos(threshold, "slowCallbackThreshold");
      return this;
    }

    /**
     * How long one step may block the loop before the watchdog logs the stack of the thread running
     * it, and again after each further such period.
     *
     * @param threshold positive
     * @return this builder
     */
    public Builder blockedWarningThreshold(Duration threshold) {
      this.blockedNanos = positiveNanos(threshold, "blockedWarningThreshold");
      return this;
    }

    /**
     * Makes the loop. The calling thread may schedule on it until it runs.
     *
     * @return a new idle loop
     * @throws IllegalArgumentException if the mechanism is not available on this JVM
     */
    public EventLoop build() {
      return new EventLoop(name, mechanism, slowNanos, blockedNanos);
    }

    /**
     * Runs {@code main} as a task on a new loop of this builder, as {@link EventLoop#run(TaskBody)}
     * does.
     *
     * @param main the main task's body
     * @param <T> its result type
     * @return main's result
     * @throws RuntimeException main's failure, or a {@link CompletionException} around a checked
     *     one; {@link CancellationException} if it was cancelled
     * @throws BatonMisuseException if called inside a loop
     */
    public <T> T run(TaskBody<T> main) {
      return EventLoop.run(this, main);
    }
  }

  /**
   * Runs {@code main} as a task on a new loop named "main" until it completes, then cancels the
   * tasks still running, waits for them, shuts the default executor down and closes the loop.
   * Python: {@code asyncio.run(main())}. With {@link TaskMechanism#VIRTUAL_THREADS} the loop runs
   * on a new virtual thread (so task switches are virtual-to-virtual hand-offs) unless the calling
   * thread has a {@link dev.baton.core.BlockingHandler} installed (a GIL thread), which then runs
   * the loop itself. For other settings: {@code EventLoop.builder()...run(main)}.
   *
   * @param main the main task's body
   * @param <T> its result type
   * @return main's result
   * @throws RuntimeException main's failure, or a {@link CompletionException} around a checked one;
   *     {@link CancellationException} if it was cancelled
   * @throws BatonMisuseException if called inside a loop
   */
  public static <T> T run(TaskBody<T> main) {
    return run(builder().name("main"), main);
  }

  /**
   * Like {@link #run(TaskBody)}, with a loop name and task mechanism.
   *
   * @param name the loop's name
   * @param mechanism how tasks get their own stack
   * @param main the main task's body
   * @param <T> its result type
   * @return main's result
   */
  public static <T> T run(String name, TaskMechanism mechanism, TaskBody<T> main) {
    return run(builder().name(name).mechanism(mechanism), main);
  }

  private static <T> T run(Builder settings, TaskBody<T> main) {
    Objects.requireNonNull(main, "main");
    String name = settings.name;
    TaskMechanism mechanism = settings.mechanism;
    long slowNanos = settings.slowNanos;
    long blockedNanos = settings.blockedNanos;
    mechanism.requireAvailable();
    if (CURRENT.get() != null) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" called EventLoop.run inside loop \""
              + CURRENT.get().name
              + "\"; await a task instead of nesting loops");
    }
    Thread me = Thread.currentThread();
    if (mechanism == TaskMechanism.CONTINUATIONS
        || me.isVirtual()
        || Blocking.currentHandler() != null) {
      return runHere(new EventLoop(name, mechanism, slowNanos, blockedNanos), main);
    }
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Thread loopThread =
        Thread.ofVirtual()
            .name(name)
            .start(
                () -> {
                  try {
                    outcome.complete(
                        runHere(new EventLoop(name, mechanism, slowNanos, blockedNanos), main));
                  } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                  }
                });
    try {
      return outcome.join();
    } catch (CompletionException e) {
      throw Future.rethrowable(e.getCause());
    } finally {
      boolean interrupted = false;
      while (loopThread.isAlive()) {
        try {
          loopThread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        me.interrupt();
      }
    }
  }

  private static <T> T runHere(EventLoop loop, TaskBody<T> main) {
    try {
      Task<T> task = loop.createTask("main", main);
      return loop.runUntilComplete(task);
    } finally {
      try {
        loop.cancelAllTasks();
      } finally {
        loop.close();
      }
    }
  }

  /**
   * The loop the current thread runs, or whose task it runs: Python: {@code
   * asyncio.get_running_loop()}.
   *
   * @return the current loop
   * @throws BatonMisuseException if the current thread is not running a loop
   */
  public static EventLoop current() {
    EventLoop loop = CURRENT.get();
    if (loop == null || !loop.isRunning()) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" asked for the running loop, but runs none; call this from a task or callback");
    }
    return loop;
  }

  static EventLoop currentOrNull() {
    return CURRENT.get();
  }

  /**
   * @return how this loop's tasks get their own stack
   */
  public TaskMechanism mechanism() {
    return mechanism;
  }

  /**
   * Creates a task that runs {@code body} on this loop, starting in the next pass. Loop-only.
   * Python: {@code loop.create_task(coro, name=name)}; from another thread, {@link
   * #createTaskThreadSafe}.
   *
   * @param name the task's name, for logs and diagnostics
   * @param body the task's sequential code; it may {@link Tasks#await} futures
   * @param <T> the result type
   * @return the task, which is also the future of its result
   * @throws BatonMisuseException if called from another thread
   * @throws RejectedExecutionException if the loop is closed
   */
  public <T> Task<T> createTask(String name, TaskBody<T> body) {
    checkLoopThread("createTask");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    if (state == CLOSED) {
      throw closed("createTask");
    }
    Task<T> task = new Task<>(this, name, body, mechanism);
    liveTasks.add(task);
    return task;
  }

  /**
   * Python: {@code loop.create_future()}.
   *
   * @param <T> the result type
   * @return a new pending future bound to this loop; loop-only
   */
  public <T> Future<T> createFuture() {
    return new Future<>(this);
  }

  /**
   * Runs the loop until {@code future} is done and returns its result. Python: {@code
   * loop.run_until_complete(future)}.
   *
   * @param future a future of this loop
   * @param <T> the result type
   * @return its result
   * @throws BatonMisuseException if the loop was stopped before the future was done
   * @throws RuntimeException its failure, as {@link Future#result()} reports it
   */
  public <T> T runUntilComplete(Future<T> future) {
    claimIfIdle("runUntilComplete");
    if (future.loop != this) {
      throw new IllegalArgumentException("future " + future + " belongs to loop " + future.loop);
    }
    Consumer<Future<T>> stopper = f -> stop();
    future.addDoneCallback(stopper);
    try {
      runForever();
    } finally {
      future.removeDoneCallback(stopper);
    }
    if (!future.isDone()) {
      throw new BatonMisuseException(
          "loop \"" + name + "\" stopped before " + future + " was done");
    }
    return future.result();
  }

  /**
   * Runs {@code action} on the loop's default executor (a pool of daemon platform threads created
   * on first use, shut down at close) and returns a loop future of its result. Python: {@code
   * loop.run_in_executor(None, func)}. Use it for blocking work, so that the loop goes on.
   * Loop-only.
   *
   * @param action the blocking work
   * @param <T> its result type
   * @return a future completed on the loop when the action ends
   */
  public <T> Future<T> runInExecutor(Callable<T> action) {
    checkLoopThread("runInExecutor");
    if (defaultExecutor == null) {
      int threads = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
      defaultExecutor =
          Executors.newFixedThreadPool(
              threads,
              r ->
                  Thread.ofPlatform()
                      .daemon()
                      .name(name + "-executor-" + EXECUTOR_THREADS.incrementAndGet())
                      .unstarted(r));
    }
    return runInExecutor(defaultExecutor, action);
  }

  /**
   * Runs {@code action} on {@code executor} and returns a loop future of its result. Loop-only.
   * Cancelling the returned future does not interrupt the action.
   *
   * @param executor where to run it
   * @param action the blocking work
   * @param <T> its result type
   * @return a future completed on the loop when the action ends; if the loop closes first, the
   *     outcome still reaches other threads' {@link Future#get()}
   */
  public <T> Future<T> runInExecutor(Executor executor, Callable<T> action) {
    checkLoopThread("runInExecutor");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(action, "action");
    Future<T> future = new Future<>(this);
    executor.execute(
        () -> {
          T value;
          try {
            value = action.call();
          } catch (Throwable e) {
            completeFromOutside(future, null, e);
            return;
          }
          completeFromOutside(future, value, null);
        });
    return future;
  }

  /**
   * Wraps a {@link CompletableFuture} in a loop future completed on the loop when it completes
   * (Python: {@code asyncio.wrap_future}); cancelling the loop future cancels it. If the loop
   * closes first, the outcome still reaches other threads' {@link Future#get()}. Loop-only.
   *
   * @param source the future to follow
   * @param <T> its result type
   * @return a loop future
   */
  public <T> Future<T> wrapFuture(CompletableFuture<T> source) {
    checkLoopThread("wrapFuture");
    Future<T> future = new Future<>(this);
    future.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            source.cancel(false);
          }
        });
    source.whenComplete(
        (value, error) -> {
          Throwable cause = error instanceof CompletionException ce ? ce.getCause() : error;
          completeFromOutside(future, value, cause);
        });
    return future;
  }

  /**
   * Creates a task on this loop from any thread: {@link #createTask}'s any-thread twin. Python:
   * {@code asyncio.run_coroutine_threadsafe(coro, loop)}. Cancelling the returned future cancels
   * the task.
   *
   * <p>Racing {@link #close()}: if this returns normally, the future completes: with the task's
   * outcome, or with {@link RejectedExecutionException} if the loop closed before the task was
   * created, or with {@link CancellationException} if it closed before the task was done.
   *
   * @param name the task's name
   * @param body the task's code
   * @param <T> its result type
   * @return a CompletableFuture completed with the task's outcome
   * @throws RejectedExecutionException if the loop is closed; then no task is created
   */
  public <T> CompletableFuture<T> createTaskThreadSafe(String name, TaskBody<T> body) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(body, "body");
    TaskSubmission<T> submission = new TaskSubmission<>(name, body);
    submit(submission, "createTaskThreadSafe", "task \"" + name + "\"");
    return submission.result;
  }

  /** What createTaskThreadSafe gives the loop: creates the task, or completes its future. */
  private final class TaskSubmission<T> implements Abandonable {
    final String taskName;
    final TaskBody<T> body;
    final CompletableFuture<T> result = new CompletableFuture<>();

    TaskSubmission(String taskName, TaskBody<T> body) {
      this.taskName = taskName;
      this.body = body;
    }

    @Override
    public void run() {
      if (result.isDone()) {
        return;
      }
      Task<T> task = createTask(taskName, body);
      task.threadSafeResult = result;
      result.whenComplete(
          (v, e) -> {
            if (result.isCancelled() && !isClosed()) {
              try {
                submit(new CancelTask(task), "createTaskThreadSafe's cancel", task);
              } catch (RejectedExecutionException closedMeanwhile) {
                // the loop is closed: the task is gone with it
              }
            }
          });
    }

    @Override
    public void abandon() {
      result.completeExceptionally(
          new RejectedExecutionException(
              "task \""
                  + taskName
                  + "\" given to createTaskThreadSafe of loop \""
                  + name
                  + "\" was not created: the loop closed first"));
    }

    @Override
    public String toString() {
      return "createTaskThreadSafe(\"" + taskName + "\")";
    }
  }

  /** The cancellation of a createTaskThreadSafe future, passed on to its task. */
  private static final class CancelTask implements Abandonable {
    final Task<?> task;

    CancelTask(Task<?> task) {
      this.task = task;
    }

    @Override
    public void run() {
      task.cancel();
    }

    @Override
    public void abandon() {
      // the loop closed: the task is gone with it, and its future is cancelled already
    }
  }

  private <T> void completeFromOutside(Future<T> future, T value, Throwable error) {
    try {
      submit(new OutsideResult<>(future, value, error), "completeFromOutside", future);
    } catch (RejectedExecutionException closed) {
      future.completeViewAfterClose(value, error);
    }
  }

  /** A result from another thread (runInExecutor, wrapFuture) for a loop future. */
  private static final class OutsideResult<T> implements Abandonable {
    final Future<T> future;
    final T value;
    final Throwable error;

    OutsideResult(Future<T> future, T value, Throwable error) {
      this.future = future;
      this.value = value;
      this.error = error;
    }

    @Override
    public void run() {
      if (future.pendingPlain()) {
        if (error != null) {
          future.setException(error);
        } else {
          future.setResult(value);
        }
      }
    }

    @Override
    public void abandon() {
      future.completeViewAfterClose(value, error);
    }
  }

  /**
   * Cancels every task not done yet and runs the loop until they are done. Loop-only; used by
   * {@link #run}. Python: {@code asyncio.runners._cancel_all_tasks}.
   */
  public void cancelAllTasks() {
    checkLoopThread("cancelAllTasks");
    if (liveTasks.isEmpty() || state == CLOSED) {
      return;
    }
    List<Task<?>> tasks = new ArrayList<>(liveTasks);
    for (Task<?> t : tasks) {
      t.cancel("the loop is shutting down");
    }
    Future<Void> all = new Future<>(this);
    int[] left = {tasks.size()};
    for (Task<?> t : tasks) {
      t.addDoneCallback(
          f -> {
            if (--left[0] == 0) {
              all.setResult(null);
            }
          });
    }
    runUntilComplete(all);
  }

  /**
   * Python: {@code asyncio.all_tasks(loop)}.
   *
   * @return the tasks of this loop not done yet, in creation order; loop-only
   */
  public List<Task<?>> allTasks() {
    checkLoopThread("allTasks");
    return List.copyOf(liveTasks);
  }

  void taskDone(Task<?> task) {
    liveTasks.remove(task);
    if (task.failedPlain()) {
      FailureReport r =
          new FailureReport(name, task.toString(), task.failurePlain(), diagnostics.unretrieved);
      task.report = r;
      failureReports.add(r);
      FailureReport.CLEANER.register(task, r);
    }
  }

  /** The baton goes to {@code next}: it becomes the thread allowed to call loop-only methods. */
  void handOver(Thread next) {
    owner = next;
  }

  static void enterTaskThread(EventLoop loop) {
    if (CURRENT.get() != loop) {
      CURRENT.set(loop);
    }
  }

  /**
   * Any thread.
   *
   * @return whether the calling thread may call loop-only methods now
   */
  public boolean onLoopThread() {
    return Thread.currentThread() == owner;
  }

  /**
   * @return the loop's name
   */
  public String name() {
    return name;
  }

  /**
   * Any thread.
   *
   * @return the loop's monotonic clock, in nanoseconds since the loop was created
   */
  public long time() {
    return System.nanoTime() - origin;
  }

  /**
   * Any thread.
   *
   * @return whether {@link #runForever()} is in progress
   */
  public boolean isRunning() {
    return state == RUNNING;
  }

  /**
   * Any thread.
   *
   * @return whether {@link #close()} was called
   */
  public boolean isClosed() {
    return state == CLOSED;
  }

  /**
   * Schedules {@code callback} to run in the next pass of the loop, after the callbacks scheduled
   * before it. Loop-only; allocates nothing unless the ready queue grows. Python: {@code
   * loop.call_soon(callback)}.
   *
   * @param callback what to run; an exception it throws is logged and does not stop the loop
   * @throws BatonMisuseException if called from another thread
   * @throws RejectedExecutionException if the loop is closed
   * @throws NullPointerException if {@code callback} is null
   */
  public void callSoon(Runnable callback) {
    if (Thread.currentThread() != owner) {
      throw notOnLoop("callSoon", "use callSoonThreadSafe from other threads");
    }
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    if (state == CLOSED) {
      throw closed("callSoon");
    }
    ready.offer(callback);
  }

  /**
   * Schedules {@code callback} from any thread: it runs on the loop in a pass that starts after
   * this call. Wakes the loop if it sleeps (at most one wake-up per sleep, however many threads
   * submit). Callbacks submitted by one thread run in submission order. Python: {@code
   * loop.call_soon_threadsafe(callback)}.
   *
   * <p>Racing {@link #close()}: if this returns normally the callback runs, on the loop or, if the
   * loop closes first, during {@link #close()} on the closing thread (with the loop already closed,
   * so what it schedules is refused); otherwise this throws.
   *
   * @param callback what to run on the loop
   * @throws RejectedExecutionException if the loop is closed; then the callback never runs
   * @throws NullPointerException if {@code callback} is null
   */
  public void callSoonThreadSafe(Runnable callback) {
    if (callback == null) {
      throw new NullPointerException("callback");
    }
    submit(callback, "callSoonThreadSafe", callback);
  }

  /**
   * Offers {@code item} to the inbox unless the loop is closed; see "Closing" in the design notes.
   *
   * @param what what was submitted, for the refusal's message
   * @throws RejectedExecutionException if the loop is closed and the item will not be run
   */
  private void submit(Runnable item, String method, Object what) {
    if (state == CLOSED) {
      throw closed(method, what);
    }
    inbox.offer(item);
    if (state == CLOSED && tookBackLate(item)) { // the second read of the Dekker pair with close
      throw closed(method, what);
    }
    wakeUp();
  }

  /**
   * Called by a producer that read CLOSED after its offer: whether its item missed close's drain,
   * in which case it is taken back out of the loop (one occurrence, by identity).
   */
  private boolean tookBackLate(Runnable item) {
    boolean interrupted = false;
    try {
      synchronized (lateLock) {
        while (!closeDrained) { // close() is between its write of CLOSED and the end of its drain
          try {
            lateLock.wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        Runnable r;
        while ((r = inbox.poll()) != null) {
          lateItems.add(r);
        }
        for (int i = 0; i < lateItems.size(); i++) {
          if (lateItems.get(i) == item) {
            lateItems.remove(i);
            return true;
          }
        }
        return false; // close's drain took it: close ran or abandoned it
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Schedules {@code callback} to run once {@code delay} has elapsed. Loop-only. Python: {@code
   * loop.call_later(delay, callback)}.
   *
   * @param delay how long to wait, zero or more
   * @param callback what to run
   * @return a handle to cancel it
   * @throws IllegalArgumentException if {@code delay} is negative
   * @throws BatonMisuseException if called from another thread
   * @throws RejectedExecutionException if the loop is closed
   */
  public TimerHandle callLater(Duration delay, Runnable callback) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must be zero or positive, got " + delay);
    }
    long nanos = saturatedNanos(delay);
    checkLoopThread("callLater");
    if (state == CLOSED) {
      throw closed("callLater");
    }
    return callAt(satAdd(time(), nanos), callback);
  }

  /**
   * Schedules {@code callback} to run when {@link #time()} reaches {@code deadline}. Loop-only.
   * Python: {@code loop.call_at(when, callback)}.
   *
   * @param deadline on the loop's clock, in nanoseconds; a past deadline runs in the next pass
   * @param callback what to run
   * @return a handle to cancel it
   * @throws BatonMisuseException if called from another thread
   * @throws RejectedExecutionException if the loop is closed
   */
  public TimerHandle callAt(long deadline, Runnable callback) {
    checkLoopThread("callAt");
    Objects.requireNonNull(callback, "callback");
    if (state == CLOSED) {
      throw closed("callAt");
    }
    TimerHandle t = new TimerHandle(this, deadline, timerSeq++, callback);
    timers.add(t);
    return t;
  }

  /**
   * Runs the loop on the calling thread until {@link #stop()} is called. The calling thread becomes
   * the loop's thread. Python: {@code loop.run_forever()}.
   *
   * @throws BatonMisuseException if the loop is closed or already running, or if another thread
   *     owns it
   */
  public void runForever() {
    Thread me = Thread.currentThread();
    synchronized (this) {
      if (state == CLOSED) {
        throw new BatonMisuseException(
            "thread \""
                + me.getName()
                + "\" called runForever on loop \""
                + name
                + "\", which is closed; create a new loop");
      }
      if (state == RUNNING) {
        throw new BatonMisuseException(
            "thread \""
                + me.getName()
                + "\" called runForever on loop \""
                + name
                + "\", which is already running on thread \""
                + threadName(loopThread)
                + "\"; stop it first, or schedule work on it with callSoonThreadSafe");
      }
      owner = me;
      loopThread = me;
      state = RUNNING;
    }
    EventLoop outer = CURRENT.get();
    CURRENT.set(this);
    LoopWatchdog.watch(this);
    passHandler = Blocking.currentHandler();
    try {
      do {
        runOnce();
      } while (!stopRequested);
    } finally {
      passHandler = null;
      stopRequested = false;
      LoopWatchdog.unwatch(this);
      diagnostics.stepEnded();
      if (outer == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(outer);
      }
      synchronized (this) {
        loopThread = null;
        state = IDLE;
      }
    }
  }

  /**
   * Asks the running loop to stop after the current pass; if it is not running, the next {@link
   * #runForever()} runs one pass and returns. Loop-only; from another thread use {@code
   * callSoonThreadSafe(loop::stop)}. Python: {@code loop.stop()}.
   *
   * @throws BatonMisuseException if called from another thread
   */
  public void stop() {
    checkLoopThread("stop");
    stopRequested = true;
  }

  /**
   * Closes the loop: runs, on the calling thread, the callbacks other threads submitted with {@link
   * #callSoonThreadSafe} that have not run yet (the loop is already closed while they run, so what
   * they schedule is refused); completes with {@link RejectedExecutionException} the futures of
   * {@link #createTaskThreadSafe} whose task was not created yet, and with {@link
   * CancellationException} those of tasks not done; drops the callbacks and timers scheduled on the
   * loop's thread (their handles then report {@link TimerHandle#isCancelled()}); closes its
   * channels and the selector, and shuts the default executor down. Work given to it afterwards is
   * refused with {@link RejectedExecutionException}. Idempotent. Python: {@code loop.close()}.
   *
   * @throws BatonMisuseException if the loop is running (any thread may close a loop that is not
   *     running)
   */
  @Override
  public void close() {
    if (state == CLOSED) {
      return;
    }
    if (state == RUNNING) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" closed loop \""
              + name
              + "\" while it runs; call stop() and close it after runForever returns");
    }
    claimIfIdle("close");
    state = CLOSED;
    List<Runnable> accepted = new ArrayList<>();
    synchronized (lateLock) { // the first read of the Dekker pair with submit: see "Closing"
      Runnable r;
      while ((r = inbox.poll()) != null) {
        accepted.add(r);
      }
      closeDrained = true;
      lateLock.notifyAll();
    }
    for (Runnable r : accepted) {
      if (r instanceof Abandonable a) {
        a.abandon();
      } else {
        runAtClose(r);
      }
    }
    for (Task<?> t : List.copyOf(liveTasks)) {
      t.abandonAtClose(
          new CancellationException(
              "loop \"" + name + "\" closed before task \"" + t.name() + "\" was done"));
    }
    for (FailureReport r : failureReports) {
      r.run();
    }
    failureReports.clear();
    if (defaultExecutor != null) {
      defaultExecutor.shutdown();
    }
    ready.clear();
    timers.clear(); // marks the dropped timers cancelled
    io.close();
  }

  private void runAtClose(Runnable r) {
    try {
      r.run();
    } catch (Throwable e) {
      LOG.error(
          "Exception in callback {} run at the close of loop \"{}\"",
          LoopDiagnostics.describe(r),
          name,
          e);
    }
  }

  /**
   * A thread-safe submission that has an end of its own when the loop closes before running it; see
   * "Closing" in the design notes.
   */
  private interface Abandonable extends Runnable {
    /** The loop closed before running it. Called once, on the closing thread. */
    void abandon();
  }

  // ---------------------------------------------------------------------------------------------
  // The pass (see the design notes)

  private void runOnce() {
    drainInbox();
    long t0 = clockFresh ? passEnd : System.nanoTime();
    int n = ready.size();
    Runnable last = null;
    for (int i = 0; i < n; i++) {
      last = ready.poll();
      runStep(last);
    }
    if (timers.size() != 0) {
      Runnable timer = runExpiredTimers(t0 - origin);
      if (timer != null) {
        last = timer;
        n = n + 2; // at least one more step: the batch is not a single step any longer
      }
    }
    long t1 = System.nanoTime();
    passEnd = t1;
    clockFresh = true;
    if (t1 - t0 > diagnostics.slowNanos && last != null) {
      diagnostics.slowBatch(t1 - t0, n, last);
    }
    BlockingHandler handler = passHandler;
    if (handler != null) {
      handler.checkpoint(); // under a GIL: others get it here if they asked
    }
    if (stopRequested) {
      return;
    }
    if (!ready.isEmpty()) {
      if (io.hasChannels()) {
        clockFresh = false; // I/O handlers run in there: the next pass reads the clock anew
        pollIo(); // callbacks are ready, so do not wait, but do not starve I/O either
      }
      return;
    }
    clockFresh = false;
    TimerHandle next = timers.peekLive();
    long timeout = next == null ? -1 : Math.max(0, next.deadline - (t1 - origin));
    if (timeout != 0) {
      sleep(timeout);
    }
  }

  /** Runs the timers due at {@code now}; returns the last one run, or null. */
  private Runnable runExpiredTimers(long now) {
    long seqLimit = timerSeq;
    Runnable last = null;
    TimerHandle t;
    while ((t = timers.peekLive()) != null && t.deadline <= now && t.seq < seqLimit) {
      timers.pollLive();
      last = t.callback;
      runStep(last);
    }
    return last;
  }

  private void runStep(Runnable r) {
    diagnostics.stepStarted(r);
    long traceStart = Tracer.now();
    // JFR's idiom: begin/end/shouldCommit are empty until a recording enables the event
    SlowCallbackEvent slow = new SlowCallbackEvent();
    slow.begin();
    try {
      invokeStep(r);
    } catch (Throwable e) {
      LOG.error("Exception in callback {} on loop \"{}\"", LoopDiagnostics.describe(r), name, e);
    }
    slow.end();
    if (slow.shouldCommit()) {
      slow.loop = name;
      slow.callback = LoopDiagnostics.describe(r);
      slow.commit();
    }
    if (traceStart != 0) {
      traceStep(r, traceStart);
    }
    diagnostics.stepEnded();
  }

  /**
   * Calls the step and does nothing else, so that on a stack sampled while a step runs, the frame
   * above this one is the step's own code, not the bookkeeping around it. Its name is {@link
   * LoopDiagnostics#STEP_RUNNER_METHOD}.
   */
  private static void invokeStep(Runnable r) {
    r.run();
  }

  /** Tracing only: the callback as a running span of the loop's thread; a mark if it was slow. */
  private static void traceStep(Runnable r, long start) {
    Tracer.span(SpanState.RUNNING, start);
    if (System.nanoTime() - start >= SLOW_CALLBACK_NANOS) {
      Tracer.mark(LoopTrace.SLOW_CALLBACK, LoopDiagnostics.describe(r));
    }
  }

  private void drainInbox() {
    for (int i = 0; i < INBOX_BATCH; i++) {
      Runnable r = inbox.relaxedPoll();
      if (r == null) {
        return;
      }
      ready.offer(r);
    }
  }

  /** Called by the watchdog thread every tick while the loop runs. */
  void watchdogTick(long now) {
    diagnostics.tick(now, owner); // racy read of owner, benign: see LoopDiagnostics.tick
  }

  // ---------------------------------------------------------------------------------------------
  // Sleeping and waking (see the design notes)

  /**
   * @param timeout ns, > 0, or -1 for no deadline
   */
  private void sleep(long timeout) {
    boolean select = io.hasChannels();
    SLEEPING.setVolatile(this, select ? SELECTING : PARKED);
    if (!inbox.isEmpty()) {
      SLEEPING.setOpaque(this, AWAKE);
      return;
    }
    sleepNanos = timeout;
    try {
      Blocking.call(sleepAction);
    } catch (IOException e) {
      throw new UncheckedIOException("selector of loop \"" + name + "\" failed", e);
    } finally {
      SLEEPING.setOpaque(this, AWAKE);
    }
  }

  private Void sleepNow() throws IOException {
    long timeout = sleepNanos;
    if ((int) SLEEPING.getOpaque(this) == SELECTING) {
      io.select(timeout);
    } else if (timeout < 0) {
      LockSupport.park(this);
    } else {
      LockSupport.parkNanos(this, timeout);
    }
    return null;
  }

  private void wakeUp() {
    int s = (int) SLEEPING.getVolatile(this);
    if (s != AWAKE && SLEEPING.compareAndSet(this, s, AWAKE)) {
      if (s == SELECTING) {
        io.wakeup();
      } else {
        LockSupport.unpark(loopThread);
      }
    }
  }

  /**
   * Registers {@code channel} with the loop's I/O layer. Loop-only.
   *
   * @return the key, with {@code handler} attached
   * @throws RejectedExecutionException if the loop is closed
   */
  SelectionKey register(SelectableChannel channel, int ops, ReadinessHandler handler)
      throws IOException {
    checkLoopThread("register");
    if (state == CLOSED) {
      throw closed("register");
    }
    return io.register(channel, ops, handler);
  }

  private void pollIo() {
    try {
      io.poll();
    } catch (IOException e) {
      throw new UncheckedIOException("selector of loop \"" + name + "\" failed", e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Diagnostics (implemented in LoopDiagnostics)

  /**
   * Any thread.
   *
   * @return how many slow-batch warnings this loop logged
   */
  public long slowCallbackWarnings() {
    return diagnostics.slowBatches();
  }

  /**
   * Any thread.
   *
   * @return what the last slow-batch warning named (a task's name, a callback's own name, or for a
   *     lambda the class that declared it and, when the watchdog saw it run, the method and line it
   *     was running), or null
   */
  public String lastSlowCallback() {
    return diagnostics.lastSlowStep();
  }

  /**
   * Any thread.
   *
   * @return how many task failures were logged as "Task exception was never retrieved" (when their
   *     task was garbage-collected or at close)
   */
  public long unretrievedTaskFailures() {
    return diagnostics.unretrieved.get();
  }

  /**
   * Any thread.
   *
   * @return how many blocked-loop stacks the watchdog logged for this loop
   */
  public long blockedWarnings() {
    return diagnostics.blockedWarnings();
  }

  // ---------------------------------------------------------------------------------------------
  // Checks

  /**
   * A loop that is not running may be run or closed by any thread, which becomes its owner (the
   * caller provides the happens-before edge from the previous owner, e.g. by joining it).
   */
  private void claimIfIdle(String method) {
    synchronized (this) {
      if (state == IDLE) {
        owner = Thread.currentThread();
        return;
      }
    }
    checkLoopThread(method);
  }

  void checkLoopThread(String method) {
    if (Thread.currentThread() != owner) {
      throw notOnLoop(method, "schedule it with callSoonThreadSafe instead");
    }
  }

  private BatonMisuseException notOnLoop(String method, String instead) {
    Thread running = loopThread;
    return new BatonMisuseException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" called "
            + method
            + " on loop \""
            + name
            + "\", which "
            + (running == null
                ? "belongs to thread \"" + threadName(owner) + "\""
                : "runs on thread \"" + running.getName() + "\"")
            + "; loop-only methods must be called on the loop's thread: "
            + instead);
  }

  private RejectedExecutionException closed(String method, Object what) {
    return new RejectedExecutionException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" submitted "
            + (what instanceof Runnable r ? LoopDiagnostics.describe(r) : what)
            + " with "
            + method
            + " to loop \""
            + name
            + "\", which is closed; it will not run: create a new loop");
  }

  private RejectedExecutionException closed(String method) {
    return new RejectedExecutionException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" called "
            + method
            + " on loop \""
            + name
            + "\", which is closed; create a new loop");
  }

  private static String threadName(Thread t) {
    return t == null ? "none" : t.getName();
  }

  private static long positiveNanos(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, got " + d);
    }
    return saturatedNanos(d);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static long satAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  @Override
  public String toString() {
    return "EventLoop[" + name + "]";
  }
}
