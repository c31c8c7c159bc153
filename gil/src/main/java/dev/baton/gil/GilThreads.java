package dev.baton.gil;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingCallable;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * GIL-aware forms of what a thread blocks on: each is a {@linkplain Gil#checkpoint() checkpoint},
 * then releases the GIL the calling thread holds for exactly the time it waits and takes it back
 * after, uninterruptibly (an interrupt still ends the wait, as the plain form does). Called by a
 * thread that holds no GIL, each is the plain JDK call.
 *
 * <p>Any thread may call these methods.
 */
public final class GilThreads {
  private GilThreads() {}

  /**
   * Runs {@code action} with the calling thread's GIL released, like CPython's {@code
   * Py_BEGIN_ALLOW_THREADS ... Py_END_ALLOW_THREADS}: through the thread's blocking handler when
   * one is installed (runtime threads, {@link GilRuntime#ensure()}), directly when the thread holds
   * a GIL through a raw {@link Gil#acquire()}.
   *
   * <p>The action must not touch objects guarded by the GIL.
   *
   * @param action the blocking action
   * @param <T> its result type
   * @param <E> its checked exception type
   * @return its result
   * @throws E whatever the action throws, unchanged
   */
  public static <T, E extends Exception> T call(BlockingCallable<T, E> action) throws E {
    Objects.requireNonNull(action, "action");
    Gil gil = Gil.current();
    if (gil == null) {
      return Blocking.call(action);
    }
    gil.checkpoint();
    if (Blocking.currentHandler() instanceof GilBlockingHandler handler && handler.gil == gil) {
      return Blocking.call(action);
    }
    boolean releasedIt = gil.releaseForBlocking();
    try {
      return action.call();
    } finally {
      if (releasedIt) {
        gil.acquireAfterBlocking();
      }
    }
  }

  /**
   * Sleeps with the GIL released. {@code sleep(Duration.ZERO)} does not release it for a wait but
   * yields it to the threads waiting for it, if any (the holder runs again after one of them), as
   * {@code time.sleep(0)} is used in Python. Python: {@code time.sleep(seconds)}.
   *
   * @param duration zero or positive
   * @throws InterruptedException if interrupted while sleeping (the GIL is held again)
   * @throws IllegalArgumentException if {@code duration} is negative
   */
  public static void sleep(Duration duration) throws InterruptedException {
    Objects.requireNonNull(duration, "duration");
    if (duration.isNegative()) {
      throw new IllegalArgumentException("duration must be zero or positive, was " + duration);
    }
    Gil.checkpointIfHeld();
    if (duration.isZero()) {
      Gil gil = Gil.current();
      if (gil != null) {
        gil.yieldToWaiters();
      } else {
        Thread.yield();
      }
      return;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.sleep(duration.toNanos()); // on the schedule's virtual clock
      return;
    }
    call(
        () -> {
          Thread.sleep(duration);
          return null;
        });
  }

  /**
   * Waits for {@code thread} to end, with the GIL released. Python: {@code thread.join()}.
   *
   * @param thread the thread to wait for
   * @throws InterruptedException if interrupted while waiting
   */
  public static void join(Thread thread) throws InterruptedException {
    Objects.requireNonNull(thread, "thread");
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null && scheduler.join(thread, -1) != null) {
      return;
    }
    call(
        () -> {
          thread.join();
          return null;
        });
  }

  /**
   * Waits at most {@code timeout} for {@code thread} to end, with the GIL released. Python: {@code
   * thread.join(timeout)}, then {@code not thread.is_alive()}.
   *
   * @param thread the thread to wait for
   * @param timeout zero or positive
   * @return whether the thread ended
   * @throws InterruptedException if interrupted while waiting
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static boolean join(Thread thread, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(thread, "thread");
    long nanos = Waits.timeoutNanos(timeout);
    DeterministicSync scheduler = DeterministicSync.current();
    Boolean ended = scheduler == null ? null : scheduler.join(thread, nanos);
    if (ended != null) {
      return ended;
    }
    return call(() -> thread.join(timeout));
  }

  /**
   * Waits for {@code future}'s result with the GIL released. Python: {@code future.result()}.
   *
   * @param future the future
   * @param <T> the result type
   * @return the result
   * @throws InterruptedException if interrupted while waiting
   * @throws ExecutionException if the computation failed
   */
  public static <T> T get(Future<T> future) throws InterruptedException, ExecutionException {
    Objects.requireNonNull(future, "future");
    try {
      return call(future::get);
    } catch (InterruptedException | ExecutionException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Future.get threw an undeclared exception", e);
    }
  }

  /**
   * Waits at most {@code timeout} for {@code future}'s result with the GIL released. Python: {@code
   * future.result(timeout)}.
   *
   * @param future the future
   * @param timeout zero or positive
   * @param <T> the result type
   * @return the result
   * @throws InterruptedException if interrupted while waiting
   * @throws ExecutionException if the computation failed
   * @throws TimeoutException if the result did not come in time
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public static <T> T get(Future<T> future, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    Objects.requireNonNull(future, "future");
    long nanos = Waits.timeoutNanos(timeout);
    try {
      return call(() -> future.get(nanos, TimeUnit.NANOSECONDS));
    } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Future.get threw an undeclared exception", e);
    }
  }

  /**
   * Waits for {@code process} to end with the GIL released. Python: {@code popen.wait()}.
   *
   * @param process the process
   * @return its exit value
   * @throws InterruptedException if interrupted while waiting
   */
  public static int waitFor(Process process) throws InterruptedException {
    Objects.requireNonNull(process, "process");
    return call(process::waitFor);
  }
}
