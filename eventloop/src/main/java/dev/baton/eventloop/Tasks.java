package dev.baton.eventloop;

import java.time.Duration;
import java.util.Objects;

/**
 * The calls a task makes: {@link #await}, {@link #sleep}, and the structured-concurrency helpers.
 * Every method here must be called from inside a task (a {@link TaskBody} run by {@link
 * EventLoop#createTask}); elsewhere it throws {@link AwaitOutsideTaskException}.
 */
public final class Tasks {
  private Tasks() {}

  /**
   * The task running on the current thread.
   *
   * @return the current task
   * @throws AwaitOutsideTaskException outside a task
   */
  public static Task<?> currentTask() {
    return current("currentTask");
  }

  /**
   * Suspends the current task until {@code future} is done and returns its result; other tasks and
   * callbacks run meanwhile. Returns at once, without switching, when it is already done.
   *
   * @param future a future of the current task's loop
   * @param <T> the result type
   * @return its result
   * @throws CancelledException if the current task is cancelled while it waits (or was, or its
   *     cancel scope is), or if the future was cancelled
   * @throws RuntimeException the future's failure, or a {@link
   *     java.util.concurrent.CompletionException} around a checked one
   * @throws AwaitOutsideTaskException outside a task
   */
  public static <T> T await(Future<T> future) {
    Task<?> task = current("await");
    Objects.requireNonNull(future, "future");
    if (future.loop != task.loop) {
      throw new IllegalArgumentException(
          "future " + future + " belongs to loop " + future.loop + ", not to " + task.loop);
    }
    if (future == task) {
      throw new IllegalArgumentException(task + " awaits itself, which can never end");
    }
    task.throwIfCancelled();
    if (future.pendingPlain()) {
      task.waitingOn = future;
      future.addDoneCallback(task.wakeup);
      try {
        task.strand.suspend();
      } finally {
        task.waitingOn = null;
      }
      if (future.pendingPlain()) {
        // woken for another reason (cancellation while the future stays pending)
        future.removeDoneCallback(task.wakeup);
      }
      task.throwIfCancelled();
    }
    return future.reportResult();
  }

  /**
   * Suspends the current task for {@code delay}; {@code Duration.ZERO} just lets the other ready
   * tasks and callbacks run once.
   *
   * @param delay how long, zero or more
   * @throws CancelledException if the task is cancelled meanwhile
   */
  public static void sleep(Duration delay) {
    Task<?> task = current("sleep");
    Objects.requireNonNull(delay, "delay");
    EventLoop loop = task.loop;
    Future<Void> done = new Future<>(loop);
    TimerHandle timer;
    if (delay.isZero()) {
      loop.callSoon(new Wake(done));
      timer = null;
    } else {
      timer = loop.callLater(delay, new Wake(done));
    }
    try {
      await(done);
    } finally {
      if (timer != null) {
        timer.cancel();
      }
    }
  }

  /**
   * Runs {@code body} in the current task with a deadline: when {@code delay} elapses, the body is
   * cancelled at its current await and every later await inside it fails too, until it exits; the
   * call then throws {@link TimeoutExpiredException} (asyncio's {@code timeout}).
   *
   * @param delay the time limit
   * @param body the code to limit; runs in the current task
   * @param <T> its result type
   * @return the body's result, when it finishes in time (or swallows the cancellation)
   * @throws TimeoutExpiredException if the deadline passed and the body ended by cancellation
   * @throws CancelledException if the task was also cancelled from outside
   */
  public static <T> T timeout(Duration delay, TaskBody<T> body) {
    Task<?> task = current("timeout");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(body, "body");
    CancelScope scope = new CancelScope(task);
    String why = "timeout of " + delay + " expired";
    TimerHandle timer = task.loop.callLater(delay, () -> scope.cancel(why));
    task.scope = scope;
    try {
      return body.run();
    } catch (CancelledException e) {
      if (scope.cancelled) {
        scope.cancelled = false; // the exception leaves the scope: settle it now
        if (task.uncancel() == 0) {
          throw new TimeoutExpiredException(why, e);
        }
      }
      throw e;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    } finally {
      timer.cancel();
      task.scope = scope.parent;
      if (scope.cancelled) {
        task.uncancel();
      }
    }
  }

  /**
   * Awaits {@code future} for at most {@code delay}; on timeout the future is cancelled (and, if it
   * is a task, waited for until it ends) and {@link TimeoutExpiredException} thrown.
   *
   * @param future what to wait for
   * @param delay the time limit
   * @param <T> the result type
   * @return its result
   */
  public static <T> T waitFor(Future<T> future, Duration delay) {
    return timeout(delay, () -> await(future));
  }

  static Task<?> current(String method) {
    EventLoop loop = EventLoop.currentOrNull();
    Task<?> task = loop == null ? null : loop.currentTask;
    if (task == null || !loop.onLoopThread()) {
      throw new AwaitOutsideTaskException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" called Tasks."
              + method
              + " outside a task"
              + (loop == null ? "" : " (in a plain callback of loop \"" + loop.name() + "\")")
              + "; only code run by EventLoop.createTask can suspend: in a callback use"
              + " Future.addDoneCallback");
    }
    return task;
  }

  /** Completes a future with null if it is still pending. */
  private record Wake(Future<Void> future) implements Runnable {
    @Override
    public void run() {
      if (future.pendingPlain()) {
        future.setResult(null);
      }
    }
  }
}
