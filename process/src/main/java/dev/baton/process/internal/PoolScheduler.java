package dev.baton.process.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;

/**
 * The scheduling skeleton both pools share: a queue of tasks in the caller's JVM, the lock that
 * guards it, the callback threads that complete the tasks' futures, the pool's life cycle, and the
 * one rule for a task whose holder (a worker process, a cluster member) let go of it. A pool adds
 * where tasks go and how it learns that a holder is gone.
 *
 * @param <T> the pool's task
 * @param <H> what holds a task while it runs (a worker, a lost member and why it was lost), handed
 *     back to the pool's hooks to build a failure's message
 */
public abstract class PoolScheduler<T extends PoolJob, H> {
  /*
   * Concurrency: `lock` guards the queue, the state and every field a pool adds (its workers or
   * members and what they hold). A pool makes remote calls, writes frames and completes futures
   * outside it where it can, and never runs a caller's code under it: a future the caller holds is
   * completed on the callback threads (Completions), never on a thread that reads answers, a
   * Hazelcast thread or the timer thread, so a dependent stage that blocks, calls the pool again or
   * closes it holds up nothing the pool needs. Methods named Locked need the lock.
   *
   * Settling (`settleLocked`): when a holder lets go of a task (it died, left, was killed, or
   * dropped the task unstarted), its TaskFate is decided by the pool and its Step applied here:
   * requeued at the front of the queue (it never ran: no retry spent), run again at the front (it
   * may have run: one retry spent, counted in `retried`), or failed with the timeout or the loss
   * the pool's hooks describe (a loss counted in `lost`). A failure goes to the callback threads
   * with the future held (below).
   *
   * Deadlines (`expire`, from a CallDeadline on the timer thread): the task's completion is taken
   * over (held) under the lock, the pool takes the task back (`takeBackLocked`), and its failure
   * goes to the callback threads like every other completion: the timer thread runs no caller's
   * code, so one caller's blocking dependent stage cannot hold up another caller's deadline.
   *
   * Life cycle: OPEN -> SHUTDOWN -> TERMINATED, in that order only. `shutdown` stops intake (and may
   * cancel what is queued); the pool terminates once the queue is empty, the pool says it holds
   * nothing (`idleLocked`) and every completion handed to the callback threads has completed its
   * future, so that no caller's future is left incomplete by a terminated pool. The check
   * (`tryTerminateLocked`) runs wherever one of these may have become true: after each completion,
   * after a holder let go, after a shutdown; it is ThreadPoolExecutor's tryTerminate, and a pool's
   * exit path for a holder (PoolEngine.exited) is its processWorkerExit: settle what the holder
   * held, replace it, dispatch, check.
   */

  /** Pool states, in the only order they are entered. */
  private enum State {
    OPEN,
    SHUTDOWN,
    TERMINATED
  }

  /** Guards the queue, the state and what a pool adds; see the class comment. */
  protected final ReentrantLock lock = new ReentrantLock();

  /** Tasks not yet sent, in submission order; what is requeued goes first. Guarded by the lock. */
  protected final ArrayDeque<T> queue = new ArrayDeque<>();

  /** Where futures are completed, and which completions termination waits for. */
  protected final Completions completions;

  /**
   * The pool's timer thread ({@code <prefix>-timer}): deadlines, timeouts, periodic checks, never a
   * caller's code. It ends once the pool has terminated; what is still scheduled then never runs.
   */
  protected final ScheduledThreadPoolExecutor timer;

  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();

  /** Guarded by the lock. */
  private State state = State.OPEN;

  /**
   * @param threadPrefix how the callback threads' names begin ({@code <prefix>-callbacks-N})
   */
  protected PoolScheduler(String threadPrefix) {
    this.completions = new Completions(threadPrefix, lock, this::tryTerminateLocked);
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadPrefix + "-timer");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    // a timeout left from a task that finished must not keep the thread after termination
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  // ---- what a pool says ----

  /**
   * @return whether the pool holds no task and nothing more will come back to it (no worker left,
   *     no member running a task). Under the lock; asked only once shut down, with the queue empty.
   */
  protected abstract boolean idleLocked();

  /**
   * Releases what the pool holds once it has terminated, under the lock, then runs {@code done},
   * which stops the timer and completes {@link #terminationFuture()}; a pool whose release must not
   * run under the lock or on the current thread runs it, and then {@code done}, elsewhere (on the
   * timer, say). By default there is nothing to release.
   *
   * @param done stops the timer and completes the termination future
   */
  protected void releaseLocked(Runnable done) {
    done.run();
  }

  /**
   * Once shut down, at each termination check before it: lets go of what is idle (a process pool
   * retires idle workers once the queue is empty). Under the lock.
   */
  protected void drainingLocked() {}

  /**
   * A pool with a task timeout says what a task that ran past it fails with; only such a pool
   * decides the fate {@link TaskFate#TIMED_OUT}, so by default this is never called.
   *
   * @param task a task whose holder was killed for running longer than the task timeout
   * @param holder its holder
   * @return what its future fails with
   * @throws UnsupportedOperationException in a pool without a task timeout
   */
  protected Throwable timedOutLocked(T task, H holder) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no task timeout");
  }

  /**
   * @param task a task whose holder was lost while it may have run it, with no retry left
   * @param holder its holder
   * @return what its future fails with
   */
  protected abstract Throwable lostLocked(T task, H holder);

  /**
   * @param future a future a caller holds
   * @return its task, or null when it is not one of this pool's futures
   */
  protected abstract T taskOf(CompletableFuture<Object> future);

  /**
   * Takes back a task whose caller's deadline passed, from wherever it is (the queue, a worker, a
   * member), so that it is never sent or requeued again; its future is held, and fails once this
   * returns. Under the lock.
   *
   * @param task the task, not done
   * @return where it was, for the failure's message (e.g. {@code "it was still queued"})
   */
  protected abstract String takeBackLocked(T task);

  /**
   * Says, in the log, that a task runs again (it was requeued with one retry less).
   *
   * @param task the task
   * @param holder the holder that was lost
   */
  protected abstract void retryingLocked(T task, H holder);

  // ---- the skeleton ----

  /**
   * Runs {@code action} on the pool's timer thread after {@code delayNanos}. Any thread.
   *
   * @param action a short action
   * @param delayNanos the delay
   * @return its handle, or null when the pool has terminated (and will never run it)
   */
  protected final ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
    try {
      return timer.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return null;
    }
  }

  /**
   * @return the next task id
   */
  protected final long nextId() {
    return ids.incrementAndGet();
  }

  /**
   * @return whether tasks are accepted. Under the lock.
   */
  protected final boolean isOpenLocked() {
    return state == State.OPEN;
  }

  /**
   * @return whether the pool has terminated. Under the lock.
   */
  protected final boolean isTerminatedLocked() {
    return state == State.TERMINATED;
  }

  /**
   * @return completed once the pool has shut down, run or failed every task, and released what it
   *     held
   */
  public final CompletableFuture<Void> terminationFuture() {
    return terminated;
  }

  /**
   * @return how many times a task was queued again because its holder was lost while it held it
   */
  protected final long retriedCount() {
    return retried.get();
  }

  /**
   * @return how many tasks failed because their holder was lost while it held them
   */
  protected final long lostCount() {
    return lost.get();
  }

  /**
   * Stops accepting tasks; the pool terminates once nothing is queued, held or being completed.
   *
   * @param cancelQueued whether queued tasks are cancelled (on this thread, after the lock)
   */
  public final void shutdown(boolean cancelQueued) {
    List<T> dropped;
    lock.lock();
    try {
      dropped = stopLocked(cancelQueued);
      tryTerminateLocked();
    } finally {
      lock.unlock();
    }
    for (T t : dropped) {
      t.future().cancel(false);
    }
  }

  /**
   * Enters SHUTDOWN if the pool is open. Under the lock.
   *
   * @param drainQueue whether to take every queued task out of the queue
   * @return the tasks taken out, for the caller to cancel after the lock
   */
  protected final List<T> stopLocked(boolean drainQueue) {
    if (state == State.OPEN) {
      state = State.SHUTDOWN;
    }
    if (!drainQueue) {
      return List.of();
    }
    List<T> drained = new ArrayList<>(queue);
    queue.clear();
    return drained;
  }

  /**
   * Does with a task its holder let go of what its fate asks ({@link TaskFate#step}): nothing,
   * requeue or retry it at the front of the queue, or fail it on a callback thread. Under the lock.
   *
   * @param task the task, no longer with its holder
   * @param fate what happened to it
   * @param retriesAllowed false when nothing may run again (the pool is being shut down now)
   * @param holder what held it, for the hooks
   */
  protected final void settleLocked(T task, TaskFate fate, boolean retriesAllowed, H holder) {
    switch (fate.step(task.retriesLeft, retriesAllowed)) {
      case NOTHING -> {}
      case REQUEUE -> queue.addFirst(task);
      case RETRY -> {
        task.retriesLeft--;
        retried.incrementAndGet();
        queue.addFirst(task);
        retryingLocked(task, holder);
      }
      case FAIL_TIMEOUT -> failLocked(task, timedOutLocked(task, holder));
      case FAIL_CRASHED -> {
        lost.incrementAndGet();
        failLocked(task, lostLocked(task, holder));
      }
    }
  }

  /**
   * Fails a task's future on a callback thread; termination waits for it. Under the lock.
   *
   * @param task the task
   * @param failure what it fails with
   */
  protected final void failLocked(T task, Throwable failure) {
    completions.holdLocked(task.future());
    completions.failLater(task.future(), failure);
  }

  /**
   * Completes a task's future with {@code completion} on a callback thread; termination waits for
   * it. Under the lock.
   *
   * @param task the task
   * @param completion what completes its future (decodes an answer, typically)
   */
  protected final void completeLocked(T task, Runnable completion) {
    completions.holdLocked(task.future());
    completions.later(task.future(), completion);
  }

  /**
   * Takes over the completion of a task for a failure decided now (a caller's deadline). Under the
   * lock.
   *
   * @param task the task
   * @return false when its future is complete already or its completion is handed over already
   */
  private boolean holdLocked(T task) {
    CompletableFuture<Object> f = task.future();
    if (f.isDone() || completions.isHeldLocked(f)) {
      return false;
    }
    completions.holdLocked(f);
    return true;
  }

  /**
   * Fails a task whose caller's deadline passed ({@link CallDeadline}): the pool takes it back
   * ({@link #takeBackLocked}) and its future fails on a callback thread, never on the thread that
   * calls this (the timer's, whose other deadlines a caller's dependent stage would hold up). Does
   * nothing to a task already done or being completed. Any thread.
   *
   * @param future one of this pool's futures
   * @param failure what it fails with, given the task's id and where the task was
   */
  public final void expire(
      CompletableFuture<Object> future, BiFunction<Long, String, ? extends Throwable> failure) {
    T task = taskOf(future);
    if (task == null) {
      return;
    }
    String where;
    lock.lock();
    try {
      if (!holdLocked(task)) {
        return; // done, or its answer is being completed on a callback thread
      }
      where = takeBackLocked(task);
    } finally {
      lock.unlock();
    }
    completions.failLater(future, failure.apply(task.id, where));
  }

  /**
   * Terminates the pool if it is shut down, nothing is queued, the pool is idle and every handed
   * over completion is done. Under the lock; any thread.
   */
  protected final void tryTerminateLocked() {
    if (state != State.SHUTDOWN) {
      return;
    }
    drainingLocked();
    if (queue.isEmpty() && idleLocked() && completions.settledLocked()) {
      state = State.TERMINATED;
      completions.shutdown();
      releaseLocked(
          () -> {
            timer.shutdown();
            terminated.complete(null);
          });
    }
  }
}
