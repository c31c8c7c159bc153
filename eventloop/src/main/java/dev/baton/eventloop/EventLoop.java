package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
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
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design notes. The loop is layered as Netty's executors are, one concern per class, each with
 * its design at its top: this class is the facade (the asyncio API, the loop's state and its
 * owner); LoopPass runs the pass (callbacks, timers, I/O polling, the sleep and the cross-thread
 * wake-up); LoopInbox holds what other threads submit and the close protocol that never drops it;
 * LoopTimers the timers; IoHandler the I/O (NioIoHandler owns the selector); LoopDiagnostics the
 * slow callbacks, the blocked-loop watchdog and the counters; LoopRunner runs asyncio.run. Tasks
 * (Task, Tasks, internal.Strand) run on top, as steps the pass runs like any callback.
 *
 * Ownership. `owner` is the only thread allowed to call loop-only methods: the thread that runs
 * the loop, or, while a task runs on its own virtual thread, that task's thread. See Task.
 *
 * Closing. What the loop's own thread scheduled (the ready ring, timers) is dropped at close as
 * asyncio drops it; dropped timers report isCancelled(), and the thread-safe futures of tasks
 * still live at close complete with CancellationException, so that no thread waits on a closed
 * loop for ever. What other threads submitted is never dropped: see LoopInbox.
 */

/**
 * A single-threaded cooperative event loop in the image of CPython's asyncio: callbacks, timers,
 * tasks written as sequential code that switch only at {@link Tasks#await}, and non-blocking I/O on
 * one selector. Made by {@link #builder()}, or run for one main task by {@link #run(TaskBody)}
 * (asyncio's {@code asyncio.run}). How a pass runs is described at the top of {@code LoopPass}'s
 * source.
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

  /** A callback running this long is marked slow on the trace timeline (asyncio's default). */
  static final long SLOW_CALLBACK_NANOS = 100_000_000L;

  /** The loop whose thread (or task thread) the current thread is; see {@link #current()}. */
  private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

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
  final LoopTimers timers = new LoopTimers();

  /** Any thread submits. */
  private final LoopInbox inbox = new LoopInbox(this);

  /** The pass, the sleep, the wake-up. */
  private final LoopPass pass;

  /** Loop time zero: the loop's clock is {@code System.nanoTime() - origin}. */
  private final long origin = System.nanoTime();

  /**
   * The thread allowed to call loop-only methods. Plain field: written only by the thread that
   * holds the baton, just before it hands the baton over through a volatile write, so the next
   * holder reads its own identity. Other threads may read a stale value, but never themselves, so
   * their check still fails as it should.
   */
  Thread owner;

  /** The thread running {@link #runForever()}, null when idle. Written by it; read by wakers. */
  private volatile Thread loopThread;

  /** IDLE, RUNNING or CLOSED. Written by the owner; read by any thread. */
  private volatile int state;

  EventLoop(String name, TaskMechanism mechanism, long slowNanos, long blockedNanos) {
    this.name = name;
    this.mechanism = mechanism;
    mechanism.requireAvailable();
    this.io = new NioIoHandler(name);
    this.diagnostics = new LoopDiagnostics(name, slowNanos, blockedNanos);
    this.pass = new LoopPass(this, origin, io, inbox, timers, diagnostics);
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
    String name = "loop";
    TaskMechanism mechanism = TaskMechanism.defaultMechanism();
    long slowNanos =
        TimeUnit.MILLISECONDS.toNanos(Long.getLong("baton.eventloop.slowCallbackMillis", 100));
    long blockedNanos =
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
      return LoopRunner.run(this, main);
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
    return LoopRunner.run(builder().name("main"), main);
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
    return LoopRunner.run(builder().name(name).mechanism(mechanism), main);
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
      defaultExecutor = ExecutorBridge.newDefaultExecutor(name);
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
    return ExecutorBridge.runIn(new Future<>(this), executor, action);
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
    return ExecutorBridge.follow(new Future<>(this), source);
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
    LoopInbox.TaskSubmission<T> submission = new LoopInbox.TaskSubmission<>(this, name, body);
    submit(submission, "createTaskThreadSafe", "task \"" + name + "\"");
    return submission.result;
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
    pass.offer(callback);
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
   * Any thread: offers {@code item} to the inbox and wakes the loop; see {@link LoopInbox}.
   *
   * @param what what was submitted, for the refusal's message
   * @throws RejectedExecutionException if the loop is closed and the item will not be run
   */
  void submit(Runnable item, String method, Object what) {
    inbox.offer(item, method, what);
    pass.wakeUp();
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
    return timers.schedule(this, deadline, callback);
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
    try {
      pass.runUntilStopped();
    } finally {
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
    pass.requestStop();
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
    inbox.closeDrain();
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
    pass.clear();
    timers.clear(); // marks the dropped timers cancelled
    io.close();
  }

  /** Any thread; read by wakers. */
  Thread loopThread() {
    return loopThread;
  }

  /** Called by the watchdog thread every tick while the loop runs. */
  void watchdogTick(long now) {
    diagnostics.tick(now, owner); // racy read of owner, benign: see LoopDiagnostics.tick
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
