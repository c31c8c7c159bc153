package dev.baton.eventloop;

import dev.baton.eventloop.internal.RunnableRing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/*
 * Closing: nothing submitted from another thread is dropped. The invariant: every thread-safe
 * submission (callSoonThreadSafe, createTaskThreadSafe, and the completions that runInExecutor and
 * wrapFuture send back) is either refused at once with RejectedExecutionException, or run, or, when
 * the loop closes before running it, given its own end (`Abandonable.abandon`: a task's future
 * completes exceptionally, a result from outside completes the future's view for other threads).
 * As j.u.c.ThreadPoolExecutor and Netty's SingleThreadEventExecutor do, a producer checks the
 * loop's state, offers to the inbox, then reads the state again. close() writes CLOSED, then
 * drains the inbox for the last time (under `lateLock`, then `closeDrained` is set). The producer's
 * offer-then-read and close's write-then-drain form a Dekker pair (all volatile): if the second
 * read saw the loop open, close's drain comes after the offer and finds the item. If it saw CLOSED,
 * the item was either taken by that drain (the producer returns normally: close runs or abandons
 * it) or is still in the inbox: the producer then waits for `closeDrained`, moves what is left in
 * the inbox to `lateItems` and takes its own item back out (by identity, one occurrence), and is
 * refused like a submission that came after close. The inbox has a single consumer throughout: the
 * loop's thread until close, then whoever holds `lateLock`. Every item moved to `lateItems` belongs
 * to a producer that read CLOSED after its offer, so each is taken back by its own producer. What
 * the loop's own thread scheduled (the ready ring, timers) is dropped at close as asyncio drops it
 * (EventLoop.close).
 */

/**
 * The loop's inbox: what other threads submit, the close protocol that takes a late submission
 * back, and the submissions that have an end of their own when the loop closes first
 * (abandonables). See the notes at the top of this file.
 */
final class LoopInbox {
  /** Inbox items moved to the ready ring per pass, at most; the rest wait for the next pass. */
  private static final int BATCH = 4096;

  private final EventLoop loop;

  /** Any thread offers; the loop thread alone polls until close, then whoever holds lateLock. */
  private final MpscUnboundedAtomicArrayQueue<Runnable> queue =
      new MpscUnboundedAtomicArrayQueue<>(1024);

  /** Guards the inbox's consumer side from close on. */
  private final Object lateLock = new Object();

  /** Whether close has drained the inbox for the last time. Guarded by {@link #lateLock}. */
  private boolean closeDrained;

  /**
   * Submissions found in the inbox after close drained it, until each producer takes its own back.
   * Guarded by {@link #lateLock}.
   */
  private final List<Runnable> lateItems = new ArrayList<>();

  LoopInbox(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * Offers {@code item} unless the loop is closed. Any thread; the caller wakes the loop after.
   *
   * @param what what was submitted, for the refusal's message
   * @throws RejectedExecutionException if the loop is closed and the item will not be run
   */
  void offer(Runnable item, String method, Object what) {
    if (loop.isClosed()) {
      throw closed(method, what);
    }
    queue.offer(item);
    if (loop.isClosed() && tookBackLate(item)) { // the second read of the Dekker pair with close
      throw closed(method, what);
    }
  }

  /**
   * Called by a producer that read CLOSED after its offer: whether its item missed close's drain,
   * in which case it is taken back out of the loop (one occurrence, by identity).
   */
  private boolean tookBackLate(Runnable item) {
    boolean interrupted = false;
    try {
      synchronized (lateLock) {
        while (!closeDrained) { // close is between its write of CLOSED and the end of its drain
          try {
            lateLock.wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        Runnable r;
        while ((r = queue.poll()) != null) {
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

  /** Loop thread only: moves up to a batch of submissions to {@code ready}. */
  void drainTo(RunnableRing ready) {
    for (int i = 0; i < BATCH; i++) {
      Runnable r = queue.relaxedPoll();
      if (r == null) {
        return;
      }
      ready.offer(r);
    }
  }

  /** Whether nothing waits; read by the loop just before it sleeps. */
  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Called once by close, on the closing thread, after the loop's state became CLOSED: the last
   * drain (the first read of the Dekker pair with {@link #offer}); runs or abandons what it found.
   */
  void closeDrain() {
    List<Runnable> accepted = new ArrayList<>();
    synchronized (lateLock) {
      Runnable r;
      while ((r = queue.poll()) != null) {
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
  }

  private void runAtClose(Runnable r) {
    try {
      r.run();
    } catch (Throwable e) {
      EventLoop.LOG.error(
          "Exception in callback {} run at the close of loop \"{}\"",
          LoopDiagnostics.describe(r),
          loop.name(),
          e);
    }
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
            + loop.name()
            + "\", which is closed; it will not run: create a new loop");
  }

  /**
   * A thread-safe submission that has an end of its own when the loop closes before running it; see
   * the notes at the top of this file.
   */
  interface Abandonable extends Runnable {
    /** The loop closed before running it. Called once, on the closing thread. */
    void abandon();
  }

  /** What createTaskThreadSafe gives the loop: creates the task, or completes its future. */
  static final class TaskSubmission<T> implements Abandonable {
    final EventLoop loop;
    final String taskName;
    final TaskBody<T> body;
    final CompletableFuture<T> result = new CompletableFuture<>();

    TaskSubmission(EventLoop loop, String taskName, TaskBody<T> body) {
      this.loop = loop;
      this.taskName = taskName;
      this.body = body;
    }

    @Override
    public void run() {
      if (result.isDone()) {
        return;
      }
      Task<T> task = loop.createTask(taskName, body);
      task.threadSafeResult = result;
      result.whenComplete(
          (v, e) -> {
            if (result.isCancelled() && !loop.isClosed()) {
              try {
                loop.submit(new CancelTask(task), "createTaskThreadSafe's cancel", task);
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
                  + loop.name()
                  + "\" was not created: the loop closed first"));
    }

    @Override
    public String toString() {
      return "createTaskThreadSafe(\"" + taskName + "\")";
    }
  }

  /** The cancellation of a createTaskThreadSafe future, passed on to its task. */
  static final class CancelTask implements Abandonable {
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

  /**
   * Any thread: hands a result from another thread (runInExecutor, wrapFuture) to a loop future, on
   * the loop, or straight to the future's view for other threads if the loop is closed.
   */
  static <T> void completeFromOutside(Future<T> future, T value, Throwable error) {
    try {
      future.loop.submit(new OutsideResult<>(future, value, error), "completeFromOutside", future);
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
}
