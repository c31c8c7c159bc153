package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A loop-bound result that is not there yet: asyncio's {@code Future}, and a {@link
 * java.util.concurrent.Future}. Completed once, by {@link #setResult}, {@link #setException} or
 * {@link #cancel()}; its done callbacks then run through {@link EventLoop#callSoon}, in the order
 * they were added, never inline.
 *
 * <h2>Threading contract</h2>
 *
 * <p>Loop-only, like asyncio's, except the methods of {@link java.util.concurrent.Future} that only
 * read ({@link #isDone()}, {@link #isCancelled()}, {@link #state()}, {@link #resultNow()}, {@link
 * #exceptionNow()}, {@link #get()}, {@link #get(long, TimeUnit)}) and {@link
 * #toCompletableFuture()}, which any thread may call; the others throw {@link BatonMisuseException}
 * off the loop's thread, {@link #cancel(boolean)} included (from another thread: {@code
 * loop.callSoonThreadSafe(future::cancel)}). A task waits for it with {@link Tasks#await}; another
 * thread with {@link #get()}, which fails fast with {@link BatonMisuseException} on the loop's
 * thread, where it could only deadlock.
 *
 * <h2>Failures</h2>
 *
 * <p>{@link #result()} and {@link Tasks#await} rethrow a failure as it is when it is unchecked, and
 * wrapped in a {@link CompletionException} when it is checked; {@link #get()} wraps every failure
 * in an {@link ExecutionException}, as {@link java.util.concurrent.Future} does. A cancelled future
 * throws {@link CancellationException} (asyncio's {@code CancelledError}).
 *
 * @param <T> the result type
 */
public class Future<T> implements java.util.concurrent.Future<T> {
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
   * Any thread. Python: {@code done()}.
   *
   * @return whether it has a result, a failure, or was cancelled
   */
  @Override
  public final boolean isDone() {
    return stateAny() != PENDING;
  }

  /**
   * Any thread. Python: {@code cancelled()}.
   *
   * @return whether it was cancelled
   */
  @Override
  public final boolean isCancelled() {
    return stateAny() == CANCELLED;
  }

  /**
   * Any thread.
   *
   * @return {@code RUNNING} while pending (it may be running or not started), else how it ended
   */
  @Override
  public final State state() {
    return switch (stateAny()) {
      case PENDING -> State.RUNNING;
      case RESULT -> State.SUCCESS;
      case FAILED -> State.FAILED;
      default -> State.CANCELLED;
    };
  }

  /**
   * The result, without waiting. Any thread.
   *
   * @return the result
   * @throws BatonMisuseException (an {@link IllegalStateException}, as the interface says) if it is
   *     not done, failed, or was cancelled
   */
  @Override
  public final T resultNow() {
    int s = stateAny();
    if (s != RESULT) {
      throw invalid("resultNow", describeNot(s, "with a result") + "; use get() or Tasks.await");
    }
    return result;
  }

  /**
   * The failure, without waiting; the failure then counts as retrieved. Any thread.
   *
   * @return the failure
   * @throws BatonMisuseException (an {@link IllegalStateException}, as the interface says) if it is
   *     not done, completed with a result, or was cancelled
   */
  @Override
  public final Throwable exceptionNow() {
    int s = stateAny();
    if (s != FAILED) {
      throw invalid("exceptionNow", describeNot(s, "with a failure") + "; check state() first");
    }
    markRetrieved();
    return failure;
  }

  /**
   * The state for any thread: the plain field on the loop's thread; elsewhere the field read after
   * {@link #doneVolatile}, whose volatile write follows the state's and the result's.
   */
  private int stateAny() {
    if (loop.onLoopThread()) {
      return state;
    }
    return doneVolatile ? state : PENDING;
  }

  private static String describeNot(int s, String what) {
    return switch (s) {
      case PENDING -> "which is not done yet";
      case CANCELLED -> "which was cancelled, not completed " + what;
      default -> "which did not complete " + what;
    };
  }

  /**
   * Python: {@code result()}.
   *
   * @return the result
   * @throws BatonMisuseException if not done
   * @throws CancellationException if cancelled
   * @throws RuntimeException the failure, or a {@link CompletionException} around a checked one
   */
  public final T result() {
    loop.checkLoopThread("Future.result");
    return reportResult();
  }

  /**
   * Python: {@code exception()}.
   *
   * @return the failure, or null when it completed with a result
   * @throws BatonMisuseException if not done
   * @throws CancellationException if cancelled
   */
  public final Throwable exception() {
    loop.checkLoopThread("Future.exception");
    switch (state) {
      case PENDING -> throw notDone("exception");
      case CANCELLED -> throw new CancellationException(cancelMessage);
      default -> {
        markRetrieved();
        return failure;
      }
    }
  }

  /**
   * Completes it with a result and schedules its done callbacks. Python: {@code set_result}.
   *
   * @param value the result
   * @throws BatonMisuseException if already done
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
   * Completes it with a failure and schedules its done callbacks. Python: {@code set_exception}.
   *
   * @param error the failure; a {@link CancellationException} cancels it instead
   * @throws BatonMisuseException if already done
   */
  public final void setException(Throwable error) {
    loop.checkLoopThread("Future.setException");
    Objects.requireNonNull(error, "error");
    if (state != PENDING) {
      throw alreadyDone("setException");
    }
    if (error instanceof CancellationException c) {
      cancelMessage = c.getMessage();
      complete(CANCELLED);
      return;
    }
    failure = error;
    complete(FAILED);
  }

  /**
   * Cancels it if it is pending. Loop-only. Python: {@code cancel()}.
   *
   * @return whether it was pending (and is now cancelled)
   * @throws BatonMisuseException off the loop's thread
   */
  public boolean cancel() {
    return cancel(null);
  }

  /**
   * {@link #cancel()}, as {@link java.util.concurrent.Future} names it. Loop-only. Nothing is
   * interrupted either way: a task is cancelled at its current await (see {@link Task}).
   *
   * @param mayInterruptIfRunning ignored
   * @return whether it was pending (and is now cancelled)
   * @throws BatonMisuseException off the loop's thread
   */
  @Override
  public final boolean cancel(boolean mayInterruptIfRunning) {
    return cancel((String) null);
  }

  /**
   * Cancels it if it is pending. Loop-only. Python: {@code cancel(msg)}.
   *
   * @param message passed to the {@link CancellationException} its waiters get, may be null
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
   * once if it is already done. Python: {@code add_done_callback}.
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
   * Python: {@code remove_done_callback}.
   *
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
   * @throws BatonMisuseException on the loop's thread or in one of its tasks
   * @throws ExecutionException around its failure
   * @throws CancellationException if it was cancelled
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
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
   * @throws CancellationException if it was cancelled
   * @throws InterruptedException if interrupted while waiting
   * @throws BatonMisuseException on the loop's thread or in one of its tasks
   */
  @Override
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

  /**
   * The loop closed and will never complete this future: completes the view other threads wait on
   * ({@link #get()}, {@link #toCompletableFuture()}) with this outcome. Any thread.
   */
  final void completeViewAfterClose(T value, Throwable error) {
    CompletableFuture<T> view = externalView();
    if (error != null) {
      view.completeExceptionally(error);
    } else {
      view.complete(value);
    }
  }

  final void copyTo(CompletableFuture<T> cf) {
    switch (state) {
      case RESULT -> cf.complete(result);
      case CANCELLED -> cf.completeExceptionally(new CancellationException(cancelMessage));
      case FAILED -> {
        markRetrieved();
        cf.completeExceptionally(failure);
      }
      default -> throw new AssertionError("pending");
    }
  }

  private void refuseBlockingOnLoop(String method) {
    if (loop.onLoopThread()) {
      throw new BatonMisuseException(
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
      case CANCELLED -> throw new CancellationException(cancelMessage);
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

  private BatonMisuseException notDone(String method) {
    return invalid(method, "which is not done yet; await it in a task or use addDoneCallback");
  }

  private BatonMisuseException alreadyDone(String method) {
    return invalid(method, "which is already done; a future completes once");
  }

  private BatonMisuseException invalid(String method, String why) {
    return new BatonMisuseException(
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
      return "done callback " + LoopDiagnostics.describe(callback) + " of " + future;
    }
  }
}
