package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The calls a task makes: {@link #await}, {@link #sleep}, and the structured-concurrency helpers.
 * Every method here must be called from inside a task (a {@link TaskBody} run by {@link
 * EventLoop#createTask}); elsewhere it throws {@link BatonMisuseException}.
 */
public final class Tasks {
  private Tasks() {}

  /**
   * The task running on the current thread.
   *
   * @return the current task
   * @throws BatonMisuseException outside a task
   */
  public static Task<?> currentTask() {
    return current("currentTask");
  }

  /**
   * Suspends the current task until {@code future} is done and returns its result; other tasks and
   * callbacks run meanwhile. Returns at once, without switching, when it is already done and no
   * cancellation is due; a due cancellation is thrown after the loop has run one pass.
   *
   * @param future a future of the current task's loop
   * @param <T> the result type
   * @return its result
   * @throws CancellationException if the current task is cancelled while it waits (or was, or its
   *     cancel scope is), or if the future was cancelled
   * @throws RuntimeException the future's failure, or a {@link
   *     java.util.concurrent.CompletionException} around a checked one
   * @throws BatonMisuseException outside a task
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
      task.suspendOn(future);
      task.forget(future); // woken by a cancellation while the future stays pending
      task.throwIfCancelledNow();
    }
    return future.reportResult();
  }

  /**
   * Suspends the current task for {@code delay}; {@code Duration.ZERO} just lets the other ready
   * tasks and callbacks run once.
   *
   * @param delay how long, zero or more
   * @throws CancellationException if the task is cancelled meanwhile
   */
  public static void sleep(Duration delay) {
    Task<?> task = current("sleep");
    Objects.requireNonNull(delay, "delay");
    if (delay.isZero()) {
      task.throwIfCancelled();
      task.yieldToLoop();
      task.throwIfCancelledNow();
      return;
    }
    Future<Void> done = new Future<>(task.loop);
    TimerHandle timer = task.loop.callLater(delay, new Wake(done));
    try {
      await(done);
    } finally {
      timer.cancel();
    }
  }

  /**
   * Runs {@code body} in the current task with a deadline: when {@code delay} elapses, the body is
   * cancelled at its current await and every later await inside it fails too, until it exits; the
   * call then throws {@link TimeoutException}. Python: {@code async with asyncio.timeout(delay)}.
   *
   * @param delay the time limit
   * @param body the code to limit; runs in the current task
   * @param <T> its result type
   * @return the body's result, when it finishes in time (or swallows the cancellation)
   * @throws TimeoutException if the deadline passed and the body ended by cancellation (its cause
   *     is that cancellation); a {@code TimeoutException} the body throws itself (an inner timeout)
   *     passes through as it is
   * @throws CancellationException if the task was also cancelled from outside
   * @throws java.util.concurrent.CompletionException around another checked failure of the body
   * @throws BatonMisuseException outside a task
   */
  public static <T> T timeout(Duration delay, TaskBody<T> body) throws TimeoutException {
    Task<?> task = current("timeout");
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(body, "body");
    CancelScope scope = new CancelScope(task);
    String why = "timeout of " + delay + " expired";
    TimerHandle timer = task.loop.callLater(delay, () -> scope.cancel(why));
    task.scope = scope;
    try {
      return body.run();
    } catch (CancellationException e) {
      if (scope.cancelled) {
        scope.cancelled = false; // the exception leaves the scope: settle it now
        if (task.uncancel() == 0) {
          TimeoutException expired =
              new TimeoutException(
                  "task \""
                      + task.name()
                      + "\" on loop \""
                      + task.loop.name()
                      + "\": "
                      + why
                      + " before the limited code finished; it was cancelled at its await");
          expired.initCause(e);
          throw expired;
        }
      }
      throw e;
    } catch (RuntimeException | Error | TimeoutException e) {
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
   * is a task, waited for until it ends) and {@link TimeoutException} thrown. Python: {@code
   * asyncio.wait_for(aw, timeout)}.
   *
   * @param future what to wait for
   * @param delay the time limit
   * @param <T> the result type
   * @return its result
   * @throws TimeoutException if the future was not done in time
   * @throws CancellationException if the future or the current task was cancelled
   * @throws BatonMisuseException outside a task
   */
  public static <T> T waitFor(Future<T> future, Duration delay) throws TimeoutException {
    return timeout(delay, () -> await(future));
  }

  /**
   * Suspends until {@code future} is done, whatever the task's cancellation state: for code that
   * must wait for its children even while it is being cancelled (a task group's join). A {@link
   * Task#cancel()} meanwhile cancels {@code future} (which ends the wait); the task's pending
   * cancellation is left for its next ordinary await.
   */
  static void awaitIgnoringCancellation(Task<?> task, Future<?> future) {
    if (future.pendingPlain()) {
      task.suspendOn(future);
    }
  }

  /**
   * A future of the results of all {@code futures}, in their order (asyncio's {@code gather});
   * fails with the first failure, while the others go on. Cancelling it cancels them all. Loop-only
   * (it does not have to be called from a task).
   *
   * @param futures futures of one loop; at least one
   * @param <T> the result type
   * @return the gathering future
   */
  @SuppressWarnings("unchecked")
  public static <T> Future<List<T>> gather(List<? extends Future<? extends T>> futures) {
    return (Future<List<T>>) (Future<?>) gather(false, futures);
  }

  /**
   * Like {@link #gather(List)}; with {@code returnExceptions}, a failure (or a {@link
   * CancellationException} for a cancelled future) takes its place in the list instead of failing
   * the gathering future.
   *
   * @param returnExceptions whether failures are results
   * @param futures futures of one loop; at least one
   * @return the gathering future: results and, with {@code returnExceptions}, throwables
   */
  public static Future<List<Object>> gather(
      boolean returnExceptions, List<? extends Future<?>> futures) {
    EventLoop loop = loopOf(futures, "gather");
    List<Future<?>> children = List.copyOf(futures);
    Object[] results = new Object[children.size()];
    int[] left = {children.size()};
    Future<List<Object>> outer =
        new Future<>(loop) {
          @Override
          public boolean cancel(String message) {
            boolean any = false;
            for (Future<?> c : children) {
              any |= c.cancel(message);
            }
            return super.cancel(message) || any;
          }
        };
    for (int i = 0; i < children.size(); i++) {
      int index = i;
      children
          .get(i)
          .addDoneCallback(
              c -> {
                Object value;
                Throwable error = null;
                if (c.isCancelled()) {
                  error = new CancellationException("gathered " + c + " was cancelled");
                  value = error;
                } else if (c.failedPlain()) {
                  c.markRetrieved();
                  error = c.failurePlain();
                  value = error;
                } else {
                  value = c.reportResult();
                }
                results[index] = value;
                left[0]--;
                if (!outer.pendingPlain()) {
                  return;
                }
                if (error != null && !returnExceptions) {
                  outer.setException(error);
                } else if (left[0] == 0) {
                  outer.setResult(Collections.unmodifiableList(java.util.Arrays.asList(results)));
                }
              });
    }
    return outer;
  }

  /**
   * A future that follows {@code future} but whose cancellation does not reach it (asyncio's {@code
   * shield}): awaiting the shield from a cancelled task cancels the wait, not the work. Loop-only.
   *
   * @param future the work to protect
   * @param <T> its result type
   * @return the shield (the future itself when it is already done)
   */
  public static <T> Future<T> shield(Future<T> future) {
    Objects.requireNonNull(future, "future");
    future.loop.checkLoopThread("shield");
    if (!future.pendingPlain()) {
      return future;
    }
    Future<T> outer = new Future<>(future.loop);
    future.addDoneCallback(inner -> copyOutcome(inner, outer));
    return outer;
  }

  /**
   * Futures that complete in the order {@code futures} complete (asyncio's {@code as_completed}):
   * the first returned completes like whichever finishes first, and so on. Loop-only.
   *
   * @param futures futures of one loop
   * @param <T> the result type
   * @return as many futures as given, in completion order
   */
  public static <T> List<Future<T>> asCompleted(Collection<? extends Future<? extends T>> futures) {
    EventLoop loop = loopOf(futures, "asCompleted");
    List<Future<T>> slots = new ArrayList<>(futures.size());
    for (int i = 0; i < futures.size(); i++) {
      slots.add(new Future<>(loop));
    }
    int[] next = {0};
    for (Future<? extends T> f : futures) {
      f.addDoneCallback(done -> copyOutcome(done, slots.get(next[0]++)));
    }
    return Collections.unmodifiableList(slots);
  }

  /** When {@link #wait} returns. */
  public enum ReturnWhen {
    /** As soon as any future is done. */
    FIRST_COMPLETED,
    /** As soon as any future fails (cancellation is not a failure here), or all are done. */
    FIRST_EXCEPTION,
    /** When all are done. */
    ALL_COMPLETED
  }

  /**
   * The outcome of {@link #wait}: the futures done and those still pending, each in input order.
   *
   * @param done futures done
   * @param pending futures not done
   * @param <T> the result type
   */
  public record WaitResult<T>(Set<Future<T>> done, Set<Future<T>> pending) {}

  /**
   * Suspends the current task until {@code when} holds for {@code futures}, or {@code timeout}
   * elapses (asyncio's {@code wait}); cancels nothing.
   *
   * @param futures futures of the task's loop, at least one
   * @param when the condition
   * @param timeout the limit, or null for none
   * @param <T> the result type
   * @return the futures done and pending when it returns
   */
  public static <T> WaitResult<T> wait(
      Collection<? extends Future<T>> futures, ReturnWhen when, Duration timeout) {
    Task<?> task = current("wait");
    Objects.requireNonNull(when, "when");
    EventLoop loop = loopOf(futures, "wait");
    if (loop != task.loop) {
      throw new IllegalArgumentException("futures belong to loop " + loop + ", not " + task.loop);
    }
    Future<Void> ready = new Future<>(loop);
    int[] left = {0};
    for (Future<T> f : futures) {
      if (f.pendingPlain()) {
        left[0]++;
      }
    }
    Consumer<Future<T>> onDone =
        f -> {
          left[0]--;
          boolean met =
              switch (when) {
                case FIRST_COMPLETED -> true;
                case FIRST_EXCEPTION -> f.failedPlain() || left[0] == 0;
                case ALL_COMPLETED -> left[0] == 0;
              };
          if (met && ready.pendingPlain()) {
            ready.setResult(null);
          }
        };
    boolean metAlready =
        left[0] == 0
            || (when == ReturnWhen.FIRST_COMPLETED && left[0] < futures.size())
            || (when == ReturnWhen.FIRST_EXCEPTION
                && futures.stream().anyMatch(Future::failedPlain));
    if (!metAlready) {
      for (Future<T> f : futures) {
        if (f.pendingPlain()) {
          f.addDoneCallback(onDone);
        }
      }
      TimerHandle timer = timeout == null ? null : loop.callLater(timeout, new Wake(ready));
      try {
        await(ready);
      } finally {
        if (timer != null) {
          timer.cancel();
        }
        for (Future<T> f : futures) {
          f.removeDoneCallback(onDone);
        }
      }
    }
    Set<Future<T>> done = new LinkedHashSet<>();
    Set<Future<T>> pending = new LinkedHashSet<>();
    for (Future<T> f : futures) {
      (f.pendingPlain() ? pending : done).add(f);
    }
    return new WaitResult<>(
        Collections.unmodifiableSet(done), Collections.unmodifiableSet(pending));
  }

  static <T> void copyOutcome(Future<? extends T> from, Future<T> to) {
    if (!to.pendingPlain()) {
      if (from.failedPlain()) {
        from.markRetrieved();
      }
      return;
    }
    if (from.isCancelled()) {
      to.cancel();
    } else if (from.failedPlain()) {
      from.markRetrieved();
      to.setException(from.failurePlain());
    } else {
      to.setResult(from.reportResult());
    }
  }

  private static EventLoop loopOf(Collection<? extends Future<?>> futures, String method) {
    Objects.requireNonNull(futures, "futures");
    if (futures.isEmpty()) {
      throw new IllegalArgumentException(method + " needs at least one future, got none");
    }
    EventLoop loop = null;
    for (Future<?> f : futures) {
      Objects.requireNonNull(f, "futures contains null");
      if (loop == null) {
        loop = f.loop;
      } else if (f.loop != loop) {
        throw new IllegalArgumentException(
            method + " got futures of two loops: " + loop + " and " + f.loop);
      }
    }
    loop.checkLoopThread(method);
    return loop;
  }

  static Task<?> current(String method) {
    EventLoop loop = EventLoop.currentOrNull();
    Task<?> task = loop == null ? null : loop.currentTask;
    if (task == null || !loop.onLoopThread()) {
      throw new BatonMisuseException(
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
