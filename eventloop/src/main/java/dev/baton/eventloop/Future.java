package dev.baton.eventloop;

import dev.baton.core.Blocking;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A loop-bound result that is not there yet: asyncio's {@code Future}. Completed once, by {@link
 * #setResult}, {@link #setException} or {@link #cancel()}; its done callbacks then run through
 * {@link EventLoop#callSoon}, in the order they were added, never inline.
 *
 * <h2>Threading contract</h2>
 *
 * <p>Loop-only, like asyncio's: every method but {@link #get()}, {@link #get(long, TimeUnit)} and
 * {@link #toCompletableFuture()} throws {@link NotOnLoopThreadException} off the loop's thread. A
 * task waits for it with {@link Tasks#await}; another thread with {@link #get()}, which fails fast
 * with {@link BlockingOperationException} on the loop's thread, where it could only deadlock.
 *
 * <h2>Failures</h2>
 *
 * <p>{@link #result()} and {@link Tasks#await} rethrow a failure as it is when it is unchecked, and
 * wrapped in a {@link CompletionException} when it is checked.
 *
 * @param <T> the result type
 */
public class Future<T> {
  private static final int PENDING = 0;
  private static final int RESULT = 1;
  private static final int FAILED = 2;
  private static final int CANCELLED = 3;

  final EventLoop loop;

  /** PENDING, RESULT, FAILED or CANCELLED. Loop thread only. */
  private int state;

  /**
   * Whether the future is done, for threads other than the loop's. Written (volatile) by the loop
   * thread after the result fields, so a thread that reads true also sees the result.
   */
  private volatile boolean doneVolatile;

  /**
   * The view given to threads other than the loop's ({@link #toCompletableFuture()}): made by the
   * first of them (CAS), completed directly by the loop thread when the future completes, or by the
   * caller when it finds the future done already. Each side writes its volatile (this field, {@link
   * #doneVolatile}) before reading the other's, so at least one of them completes the view, even
   * when the loop stops right after this future completes.
   */
  private volatile CompletableFuture<T> external;

  private static final java.lang.invoke.VarHandle EXTERNAL;

  static {
    try {
      EXTERNAL =
          java.lang.invoke.MethodHandles.lookup()
              .findVarHandle(Future.class, "external", CompletableFuture.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private T result;
  private Throwable failure;
  private String cancelMessage;

  /**
   * Null, one callback, or an {@code ArrayList} of them. A callback is a {@code Consumer} added by
   * {@link #addDoneCallback}, run through a {@link DoneCall}, or a task's step added by {@link
   * #addWakeup} (a {@code Runnable} that is never a {@code Consumer}), scheduled as it is. Loop
   * thread only.
   */
  private Object callbacks;

  /** Set when the failure of a failed task is tracked for "never retrieved" logging. */
  FailureReport report;

  /**
   * Creates a pending future bound to {@code loop}; loop-only.
   *
   * @param loop the loop its callbacks run on
   */
  public Future(EventLoop loop) {
    this.loop = Objects.requireNonNull(loop, "loop");
    loop.checkLoopThread("new Future");
  }

  /**
   * @return the loop this future is bound to
   */
  public final EventLoop loop() {
    return loop;
  }

  /**
   * @return whether it has a result, a failure, or was cancelled
   */
  public final boolean isDone() {
    loop.checkLoopThread("Future.isDone");
    return state != PENDING;
  }

  /**
   * @return whether it was cancelled
   */
  public final boolean isCancelled() {
    loop.checkLoopThread("Future.isCancelled");
    return state == CANCELLED;
  }

  /**
   * @return the result
   * @throws InvalidStateException if not done
   * @throws CancelledException if cancelled
   * @throws RuntimeException the failure, or a {@link CompletionException} around a checked one
   */
  public final T result() {
    loop.checkLoopThread("Future.result");
    return reportResult();
  }

  /**
   * @return the failure, or null when it completed with a result
   * @throws InvalidStateException if not done
   * @throws CancelledException if cancelled
   */
  public final Throwable exception() {
    loop.checkLoopThread("Future.exception");
    switch (state) {
      case PENDING -> throw notDone("exception");
      case CANCELLED -> throw new CancelledException(cancelMessage);
      default -> {
        markRetrieved();
        return failure;
      }
    }
  }

  /**
   * Completes it with a result and schedules its done callbacks.
   *
   * @param value the result
   * @throws InvalidStateException if already done
   */
  public final void setResult(T value) {
    loop.checkLoopThread("Future.setResult");
    if (state != PENDING) {
      throw alreadyDone("setResult");
    }
    result = value;
    complete(RESULT);
  }

  /**
   * Completes it with a failure and schedules its done callbacks.
   *
   * @param error the failure; a {@link CancelledException} cancels it instead
   * @throws InvalidStateException if already done
   */
  public final void setException(Throwable error) {
    loop.checkLoopThread("Future.setException");
    Objects.requireNonNull(error, "error");
    if (state != PENDING) {
      throw alreadyDone("setException");
    }
    if (error instanceof CancelledException c) {
      cancelMessage = c.getMessage();
      complete(CANCELLED);
      return;
    }
    failure = error;
    complete(FAILED);
  }

  /**
   * Cancels it if it is pending.
   *
   * @return whether it was pending (and is now cancelled)
   */
  public boolean cancel() {
    return cancel(null);
  }

  /**
   * Cancels it if it is pending.
   *
   * @param message passed to the {@link CancelledException} its waiters get, may be null
   * @return whether it was pending (and is now cancelled)
   */
  public boolean cancel(String message) {
    loop.checkLoopThread("Future.cancel");
    if (state != PENDING) {
      return false;
    }
    cancelMessage = message;
    complete(CANCELLED);
    return true;
  }

  /**
   * Adds a callback that runs (through {@link EventLoop#callSoon}) once it is done; scheduled at
   * once if it is already done.
   *
   * @param callback receives this future
   */
  public final void addDoneCallback(Consumer<? super Future<T>> callback) {
    loop.checkLoopThread("Future.addDoneCallback");
    Objects.requireNonNull(callback, "callback");
    if (state != PENDING) {
      loop.callSoon(new DoneCall<>(callback, this));
      return;
    }
    append(callback);
  }

  /**
   * Schedules {@code step} itself once this future is done (at once if it is): how an awaiting task
   * resumes, with nothing allocated. Loop-only, called by tasks.
   */
  final void addWakeup(Runnable step) {
    if (state != PENDING) {
      loop.callSoon(step);
      return;
    }
    append(step);
  }

  /** Takes back a {@link #addWakeup} registration. */
  final void removeWakeup(Runnable step) {
    remove(step);
  }

  @SuppressWarnings("unchecked")
  private void append(Object callback) {
    Object cbs = callbacks;
    if (cbs == null) {
      callbacks = callback;
    } else if (cbs instanceof ArrayList<?> list) {
      ((ArrayList<Object>) list).add(callback);
    } else {
      ArrayList<Object> list = new ArrayList<>(4);
      list.add(cbs);
      list.add(callback);
      callbacks = list;
    }
  }

  /**
   * @param callback a callback added before
   * @return how many registrations of it were removed
   */
  public final int removeDoneCallback(Consumer<? super Future<T>> callback) {
    loop.checkLoopThread("Future.removeDoneCallback");
    return remove(callback);
  }

  private int remove(Object callback) {
    Object cbs = callbacks;
    if (cbs == callback) {
      callbacks = null;
      return 1;
    }
    if (cbs instanceof ArrayList<?> list) {
      int before = list.size();
      list.removeIf(c -> c == callback);
      return before - list.size();
    }
    return 0;
  }

  /**
   * Waits for the result from a thread that is not the loop's. Any thread but the loop's.
   *
   * @return the result
   * @throws BlockingOperationException on the loop's thread or in one of its tasks
   * @throws ExecutionException around its failure
   * @throws java.util.concurrent.CancellationException if it was cancelled
   * @throws InterruptedException if interrupted while waiting
   */
  public final T get() throws InterruptedException, ExecutionException {
    refuseBlockingOnLoop("get");
    CompletableFuture<T> cf = toCompletableFuture();
    try {
      return Blocking.<T, Exception>call(cf::get);
    } catch (InterruptedException | ExecutionException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * Like {@link #get()}, bounded.
   *
   * @param timeout how long to wait
   * @param unit its unit
   * @return the result
   * @throws TimeoutException if it is not done in time
   * @throws ExecutionException around its failure
   * @throws InterruptedException if interrupted while waiting
   */
  public final T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    refuseBlockingOnLoop("get");
    CompletableFuture<T> cf = toCompletableFuture();
    try {
      return Blocking.<T, Exception>call(() -> cf.get(timeout, unit));
    } catch (InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /**
   * A {@link CompletableFuture} completed when this one is; cancelling it does not cancel this one.
   * Any thread: off the loop it follows a view the loop thread completes directly, so it completes
   * even when the loop stops right after this future does.
   *
   * @return a new CompletableFuture following this one
   */
  public final CompletableFuture<T> toCompletableFuture() {
    if (!loop.onLoopThread()) {
      return externalView().copy();
    }
    CompletableFuture<T> cf = new CompletableFuture<>();
    if (state != PENDING) {
      copyTo(cf); // at once: the loop may be about to stop after this pass
    } else {
      addDoneCallback(f -> f.copyTo(cf));
    }
    return cf;
  }

  /** The shared view for other threads; completed once, by the loop or by a late caller. */
  @SuppressWarnings("unchecked")
  private CompletableFuture<T> externalView() {
    CompletableFuture<T> view = external;
    if (view == null) {
      CompletableFuture<T> made = new CompletableFuture<>();
      view =
          EXTERNAL.compareAndExchange(this, null, made) instanceof CompletableFuture<?> won
              ? (CompletableFuture<T>) won
              : made;
    }
    if (doneVolatile) {
      copyTo(view); // done before the view existed, or concurrently: complete it here
    }
    return view;
  }

  final void copyTo(CompletableFuture<T> cf) {
    switch (state) {
      case RESULT -> cf.complete(result);
      case CANCELLED -> cf.completeExceptionally(new CancelledException(cancelMessage));
      case FAILED -> {
        markRetrieved();
        cf.completeExceptionally(failure);
      }
      default -> throw new AssertionError("pending");
    }
  }

  private void refuseBlockingOnLoop(String method) {
    if (loop.onLoopThread()) {
      throw new BlockingOperationException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" called Future."
              + method
              + "() on loop \""
              + loop.name()
              + "\"'s own thread, where blocking stalls every task and can never see the result;"
              + " in a task use Tasks.await(future), in a callback use addDoneCallback");
    }
  }

  /** Result for await and result(), the loop thread having been checked. */
  final T reportResult() {
    switch (state) {
      case RESULT -> {
        return result;
      }
      case CANCELLED -> throw new CancelledException(cancelMessage);
      case FAILED -> {
        markRetrieved();
        throw rethrowable(failure);
      }
      default -> throw notDone("result");
    }
  }

  final boolean pendingPlain() {
    return state == PENDING;
  }

  final boolean failedPlain() {
    return state == FAILED;
  }

  final Throwable failurePlain() {
    return failure;
  }

  static RuntimeException rethrowable(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new CompletionException(t);
  }

  @SuppressWarnings("unchecked")
  private void complete(int newState) {
    state = newState;
    doneVolatile = true;
    CompletableFuture<T> view = external;
    if (view != null) {
      copyTo(view);
    }
    onDone();
    Object cbs = callbacks;
    callbacks = null;
    if (cbs == null) {
      return;
    }
    if (cbs instanceof ArrayList<?> list) {
      for (Object c : list) {
        schedule(c);
      }
    } else {
      schedule(cbs);
    }
  }

  @SuppressWarnings("unchecked")
  private void schedule(Object callback) {
    loop.callSoon(
        callback instanceof Consumer<?> c
            ? new DoneCall<>((Consumer<? super Future<T>>) c, this)
            : (Runnable) callback);
  }

  final void markRetrieved() {
    FailureReport r = report;
    if (r != null) {
      r.retrieved = true;
    }
  }

  /** Hook for subclasses, run when it completes, before its callbacks are scheduled. */
  void onDone() {}

  private InvalidStateException notDone(String method) {
    return invalid(method, "which is not done yet; await it in a task or use addDoneCallback");
  }

  private InvalidStateException alreadyDone(String method) {
    return invalid(method, "which is already done; a future completes once");
  }

  private InvalidStateException invalid(String method, String why) {
    return new InvalidStateException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" called "
            + method
            + "() on "
            + this
            + ", "
            + why);
  }

  final String stateName() {
    return switch (state) {
      case PENDING -> "pending";
      case RESULT -> "finished";
      case FAILED -> "failed: " + failure;
      default -> "cancelled";
    };
  }

  @Override
  public String toString() {
    return "Future[" + stateName() + "]";
  }

  /** A done callback bound to its future: one allocation per callback, no capture. */
  private record DoneCall<T>(Consumer<? super Future<T>> callback, Future<T> future)
      implements Runnable {
    @Override
    public void run() {
      callback.accept(future);
    }

    @Override
    public String toString() {
      return "done callback " + callback + " of " + future;
    }
  }
}
