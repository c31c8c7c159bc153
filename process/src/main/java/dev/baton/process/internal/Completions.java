package dev.baton.process.internal;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Where a scheduler completes its tasks' futures: on its own callback threads, named {@code
 * <pool>-callbacks-N}, never on a thread that reads answers nor under the scheduler's lock, so that
 * a caller's dependent action that calls the pool again, waits for another task or closes the pool
 * holds up no thread the pool needs. The executor grows a thread when all of its threads are busy;
 * idle threads end within seconds, all of them after {@link #shutdown}.
 *
 * <p>It also keeps the scheduler from terminating while a future it handed over is not complete: a
 * future is held ({@link #holdLocked}) under the scheduler's lock before its completion is handed
 * over, released once the completion has run, and {@link #settledLocked} says whether any is still
 * held. After each completion the scheduler's {@code afterEachLocked} runs under its lock (where it
 * checks for termination). Methods named {@code Locked} need the scheduler's lock; the others take
 * it when they need it.
 */
public final class Completions {
  private final ReentrantLock lock;
  private final Runnable afterEachLocked;
  private final AtomicLong threads = new AtomicLong();
  private final ThreadPoolExecutor callbacks;

  /** Futures handed over and not complete yet. Guarded by {@link #lock}. */
  private final Set<CompletableFuture<?>> held = new HashSet<>();

  /**
   * @param pool the pool's name, for the threads' names
   * @param lock the scheduler's lock
   * @param afterEachLocked run under the lock after each completion
   */
  public Completions(String pool, ReentrantLock lock, Runnable afterEachLocked) {
    this.lock = lock;
    this.afterEachLocked = afterEachLocked;
    this.callbacks =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            5,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, pool + "-callbacks-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Holds off termination until {@code future} is complete. Under the lock.
   *
   * @param future a future about to be completed by {@link #later}
   */
  public void holdLocked(CompletableFuture<?> future) {
    held.add(future);
  }

  /**
   * @param future a future
   * @return whether its completion is handed over and has not run yet. Under the lock.
   */
  public boolean isHeldLocked(CompletableFuture<?> future) {
    return held.contains(future);
  }

  /**
   * @return whether every future handed over is complete. Under the lock.
   */
  public boolean settledLocked() {
    held.removeIf(CompletableFuture::isDone);
    return held.isEmpty();
  }

  /**
   * Runs {@code completion} on a callback thread, then releases {@code future}. Call {@link
   * #holdLocked} first, under the lock; call this after releasing it where possible.
   *
   * @param future the future {@code completion} completes
   * @param completion what completes it
   */
  public void later(CompletableFuture<?> future, Runnable completion) {
    execute(
        () -> {
          try {
            completion.run();
          } finally {
            lock.lock();
            try {
              held.remove(future);
              afterEachLocked.run();
            } finally {
              lock.unlock();
            }
          }
        });
  }

  /**
   * Runs {@code work} on a callback thread (remote calls an answer's thread may not make, say);
   * after {@link #shutdown}, on this thread, since nothing is left to hold up then.
   *
   * @param work what to run
   */
  public void execute(Runnable work) {
    try {
      callbacks.execute(work);
    } catch (RejectedExecutionException e) {
      work.run(); // terminated: the calling thread completes what is left
    }
  }

  /**
   * @param future a held future
   * @param failure what it fails with, on a callback thread
   */
  public void failLater(CompletableFuture<?> future, Throwable failure) {
    later(future, () -> future.completeExceptionally(failure));
  }

  /** Lets the callback threads end once idle; completions already handed over still run. */
  public void shutdown() {
    callbacks.shutdown();
  }
}
