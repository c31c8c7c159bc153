package dev.baton.eventloop;

import dev.baton.core.trace.Lane;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.eventloop.internal.ContinuationStrand;
import dev.baton.eventloop.internal.Strand;
import dev.baton.eventloop.internal.VirtualThreadStrand;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * A task: sequential code ({@link TaskBody}) that runs on the loop one step at a time and suspends
 * only at {@link Tasks#await}; also the {@link Future} of its result. Created by {@link
 * EventLoop#createTask}.
 *
 * <h2>Cancellation</h2>
 *
 * <p>{@link #cancel()} delivers a {@link CancellationException} at the task's current await (or at
 * its first step if it has not started, or at its next await if it is running): the future it
 * awaits is cancelled, as in asyncio. The task may catch the exception to clean up; if it lets it
 * propagate, it ends cancelled; if it swallows it, it goes on. Cancel scopes ({@link
 * Tasks#timeout}) are stricter: once expired, every await inside them fails until they exit. A
 * cancellation is always delivered at a resumption: an await that would throw one at once first
 * lets the loop run a pass, so a task that swallows cancellations in a loop still shares the loop
 * (asyncio's every-await yield).
 *
 * <p>Threading: loop-only, like {@link Future}.
 *
 * @param <T> the result type
 */
public final class Task<T> extends Future<T> {
  private final String name;
  private final TaskBody<T> body;
  final Strand strand;

  /**
   * Runs one step; scheduled with callSoon, and by the awaited future when it completes (asyncio's
   * {@code __wakeup}, which calls {@code __step} directly): one pass after the completion. One per
   * task, so scheduling a step allocates none.
   */
  private final Runnable step = new Step();

  /** What the suspended task awaits, null while it runs. Loop thread only (like all below). */
  Future<?> waitingOn;

  /** A cancellation to deliver at the next await. */
  private boolean cancelPending;

  /** The task's row on the trace timeline, or null before its first traced step; loop-only. */
  private Lane traceLane;

  private String cancelPendingMessage;

  /** Cancellation requests not withdrawn by {@link #uncancel()} (asyncio's cancelling()). */
  private int cancelRequests;

  /** Innermost active cancel scope of this task, null when none. */
  CancelScope scope;

  /**
   * The future {@link EventLoop#createTaskThreadSafe} returned for this task, or null; completed
   * when the task is done, or at the loop's close.
   */
  CompletableFuture<T> threadSafeResult;

  Task(EventLoop loop, String name, TaskBody<T> body, TaskMechanism mechanism) {
    super(loop);
    this.name = name;
    this.body = body;
    this.strand =
        mechanism == TaskMechanism.CONTINUATIONS
            ? new ContinuationStrand(this::runBody)
            : new VirtualThreadStrand(loop.name() + "/" + name, this::runBody, loop::handOver);
    loop.callSoon(step);
  }

  /**
   * The loop closed before this task was done: what waits for it on other threads (its
   * createTaskThreadSafe future, {@link #get()}) gets {@code cause}. Closing thread only.
   */
  void abandonAtClose(CancellationException cause) {
    if (threadSafeResult != null) {
      threadSafeResult.completeExceptionally(cause);
    }
    completeViewAfterClose(null, cause);
  }

  /**
   * @return the task's name
   */
  public String name() {
    return name;
  }

  /**
   * Requests cancellation: a {@link CancellationException} is delivered at the task's current (or
   * next) await. Loop-only.
   *
   * @param message carried by the exception, may be null
   * @return false if the task is already done, true otherwise
   */
  @Override
  public boolean cancel(String message) {
    loop.checkLoopThread("Task.cancel");
    if (!pendingPlain()) {
      return false;
    }
    cancelRequests++;
    cancelPending = true;
    cancelPendingMessage = message;
    Future<?> w = waitingOn;
    if (w != null) {
      w.cancel(message);
    }
    return true;
  }

  /**
   * @return how many cancellation requests are outstanding (asyncio's {@code cancelling()})
   */
  public int cancelling() {
    loop.checkLoopThread("Task.cancelling");
    return cancelRequests;
  }

  /**
   * Withdraws one cancellation request, as a timeout scope does when it turns its own cancellation
   * into a timeout. When none is left, a cancellation not yet delivered is dropped.
   *
   * @return the requests left
   */
  public int uncancel() {
    loop.checkLoopThread("Task.uncancel");
    if (cancelRequests > 0) {
      cancelRequests--;
      if (cancelRequests == 0) {
        cancelPending = false;
      }
    }
    return cancelRequests;
  }

  /**
   * Task side: suspends until {@code future} is done (or cancelled by {@link #cancel}); the caller
   * checks what woke it.
   */
  void suspendOn(Future<?> future) {
    waitingOn = future;
    future.addWakeup(step);
    try {
      strand.suspend();
    } finally {
      waitingOn = null;
    }
  }

  /** Task side, after {@link #suspendOn}: forgets the future if something else woke the task. */
  void forget(Future<?> future) {
    if (future.pendingPlain()) {
      future.removeWakeup(step);
    }
  }

  /**
   * Task side: suspends until the loop's next pass and nothing else (asyncio's bare {@code yield}
   * in {@code sleep(0)}): no future, no callback, one pass.
   */
  void yieldToLoop() {
    loop.callSoon(step);
    strand.suspend();
  }

  /**
   * Task side, at an await that has not suspended yet: when a cancellation is due, lets the loop
   * run one pass first (as asyncio delivers a cancellation only at the task's next step), then
   * throws it if it is still due. So a task that swallows cancellations in a loop, inside a
   * cancelled scope that fails every await, costs the loop one step per pass and never starves the
   * other tasks.
   */
  void throwIfCancelled() {
    if (cancellationDue()) {
      yieldToLoop();
      throwIfCancelledNow();
    }
  }

  private boolean cancellationDue() {
    if (cancelPending) {
      return true;
    }
    for (CancelScope s = scope; s != null; s = s.parent) {
      if (s.cancelled) {
        return true;
      }
    }
    return false;
  }

  /**
   * Task side, just after a resumption: throws the cancellation this task must see now, if any,
   * without another pass.
   */
  void throwIfCancelledNow() {
    if (cancelPending) {
      cancelPending = false;
      throw new CancellationException(cancelPendingMessage);
    }
    for (CancelScope s = scope; s != null; s = s.parent) {
      if (s.cancelled) {
        throw new CancellationException(s.message);
      }
    }
  }

  private void step() {
    if (!pendingPlain()) {
      return;
    }
    Task<?> previous = loop.currentTask;
    loop.currentTask = this;
    long traceStart = Tracer.now();
    try {
      strand.resume();
    } finally {
      loop.currentTask = previous;
      if (traceStart != 0) {
        traceStep(traceStart);
      }
    }
  }

  /** Tracing only: the step as a running span of the task's own lane, made on first use. */
  private void traceStep(long start) {
    Lane lane = traceLane;
    if (lane == null) {
      lane = Lane.of(LoopTrace.TASK, name);
      traceLane = lane;
    }
    Tracer.span(lane, SpanState.RUNNING, start, System.nanoTime(), null);
  }

  private void runBody() {
    EventLoop.enterTaskThread(loop);
    T value;
    try {
      throwIfCancelledNow();
      value = body.run();
    } catch (CancellationException e) {
      super.cancel(e.getMessage());
      return;
    } catch (Throwable e) {
      setException(e);
      return;
    }
    setResult(value);
  }

  @Override
  void onDone() {
    loop.taskDone(this);
    CompletableFuture<T> r = threadSafeResult;
    if (r != null) {
      copyTo(r); // at once, not in a done callback: the loop may close after this pass
    }
  }

  @Override
  public String toString() {
    return "Task[" + name + ", " + stateName() + "]";
  }

  /** One step of the task, as the loop's logs and watchdog name it. */
  private final class Step implements Runnable {
    @Override
    public void run() {
      step();
    }

    @Override
    public String toString() {
      return "task \"" + name + "\"";
    }
  }
}
