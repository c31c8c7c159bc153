package dev.baton.process;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * What a pool of workers offers, whatever the workers are: CPython's {@code multiprocessing.Pool}
 * and {@code concurrent.futures} executor in one API. {@link ProcessPool} runs tasks in worker JVMs
 * on this machine; {@code dev.baton.cluster.ClusterPool} (module baton-cluster) runs them on the
 * members of a cluster. Code written against this interface moves from one to the other by changing
 * the line that builds the pool:
 *
 * <pre>{@code
 * try (Pool pool = ProcessPool.builder().workers(2).build()) {   // or, on a cluster:
 *                  // ClusterPool.builder().clusterName("squares").build()
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));   // [1, 4, 9]
 * }
 * }</pre>
 *
 * <p>It lives in this module, beside {@link ProcessPool}, because everything it names does: the
 * task types ({@link PoolTask}, {@link PoolFunction}, {@link PoolBiFunction}), the failures ({@link
 * PoolException} and its subclasses) and the codec and allow-list that every pool applies to what
 * crosses to its workers. A cluster pool extends this module; core names nothing of the modules
 * above it, so the interface cannot move there without those types.
 *
 * <p>The contract every implementation keeps: a task, function or argument that cannot be
 * serialized fails at submission, in the caller's thread, with {@link TaskSerializationException};
 * a task that throws fails with {@link RemoteTaskException}; a worker that dies fails only the
 * tasks it held, with {@link WorkerCrashedException} (or a subclass naming the kind of worker), or
 * runs them again elsewhere when they were submitted with {@link #submitRetryable}; no wait hangs
 * on a dead worker; submitting after shutdown throws the JDK's {@link RejectedExecutionException},
 * as an {@code ExecutorService} does. Every method may be called from any thread, and every wait
 * runs inside {@link dev.baton.core.Blocking#call}. The implementations document their own details
 * (chunking, how far ahead tasks are sent).
 *
 * <p>Timeouts: a task that runs out of time (a pool's task timeout, a call's deadline) completes
 * its future exceptionally with the JDK's {@link TimeoutException}, as {@link
 * CompletableFuture#orTimeout} does. The calls with a deadline ({@link #submit(PoolTask,
 * Duration)}, {@link #apply(PoolTask, Duration)}, {@link #map(PoolFunction, Collection, int,
 * Duration)}, {@link #imap(PoolFunction, Iterable, int, Duration)}, {@link
 * #imapUnordered(PoolFunction, Iterable, int, Duration)}) count it from the call, time in the queue
 * included; past it, each of the call's tasks not yet done fails with it, and the pool stops what
 * runs them as it can (a process pool kills and replaces the worker). Both pools keep them. A
 * blocking method that takes a timeout declares {@link TimeoutException} and throws it as itself; a
 * blocking method or iterator that takes none ({@link #apply(PoolTask)}, {@link #map}, {@code
 * next()} of {@link #imap}) throws it wrapped in a {@link CompletionException}, as {@link
 * CompletableFuture#join()} does with a checked failure. Every other failure is thrown as it is.
 *
 * <p>Lifecycle, as an {@code ExecutorService}'s: {@link #shutdown()} stops new work and lets what
 * is queued and running finish; {@link #shutdown(QueuedTasks) shutdown(QueuedTasks.CANCEL)} also
 * cancels what is queued (Python's {@code shutdown(cancel_futures=True)}); {@link #shutdownNow()}
 * cancels everything and stops the workers at once; {@link #awaitTermination} waits; {@link
 * #close()} is {@code shutdown()} then {@code awaitTermination}.
 */
public interface Pool extends AutoCloseable {

  /** What {@link #shutdown(QueuedTasks)} does with the tasks still queued. */
  enum QueuedTasks {
    /** They run, as with {@link #shutdown()}. */
    FINISH,
    /** They are cancelled; running tasks finish. */
    CANCEL
  }

  /**
   * @return the pool's name
   */
  String name();

  /**
   * Submits a task; a worker that dies under it fails it (at most once).
   *
   * @param task the task, serialized now, in the caller's thread
   * @param <T> its result type
   * @return its future
   * @throws TaskSerializationException when the task cannot be serialized
   * @throws RejectedExecutionException when the pool is shut down
   */
  <T> CompletableFuture<T> submit(PoolTask<T> task);

  /**
   * Submits a task that runs again when its worker dies under it (at least once while retries last;
   * it should be idempotent).
   *
   * @param task the task
   * @param maxRetries how many times the death of its worker is retried, {@code >= 0}
   * @param <T> its result type
   * @return its future; it fails with {@link WorkerCrashedException} once the retries are spent
   * @throws IllegalArgumentException when {@code maxRetries < 0}
   * @throws TaskSerializationException when the task cannot be serialized
   * @throws RejectedExecutionException when the pool is shut down
   */
  <T> CompletableFuture<T> submitRetryable(PoolTask<T> task, int maxRetries);

  /**
   * Submits a task with a deadline: if it has not finished {@code timeout} after this call (time in
   * the queue counts), its future fails with a {@link TimeoutException}, and the pool stops running
   * it. Other tasks and callers are unaffected.
   *
   * @param task the task, serialized now, in the caller's thread
   * @param timeout how long it may take, positive
   * @param <T> its result type
   * @return its future
   * @throws IllegalArgumentException when {@code timeout} is not positive
   * @throws TaskSerializationException when the task cannot be serialized
   * @throws RejectedExecutionException when the pool is shut down
   */
  <T> CompletableFuture<T> submit(PoolTask<T> task, Duration timeout);

  /**
   * Runs a task with a deadline (see {@link #submit(PoolTask, Duration)}) and waits for it.
   *
   * @param task the task
   * @param timeout how long it may take, positive
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when the waiting thread is interrupted (the task goes on)
   * @throws TimeoutException when it missed the deadline, or the pool's task timeout
   */
  <T> T apply(PoolTask<T> task, Duration timeout) throws InterruptedException, TimeoutException;

  /**
   * Runs a task and waits for its result.
   *
   * @param task the task
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when the waiting thread is interrupted (the task goes on)
   * @throws PoolException when the task failed
   * @throws CompletionException wrapping the {@link TimeoutException} of a task that ran out of
   *     time
   */
  <T> T apply(PoolTask<T> task) throws InterruptedException;

  /**
   * Applies {@code fn} to every item and returns the results in order, like {@code Pool.map}.
   *
   * @param fn the function
   * @param items the items
   * @param <A> the item type
   * @param <R> the result type
   * @return the results, in the items' order
   * @throws InterruptedException when the waiting thread is interrupted
   * @throws PoolException the first failure in item order; the other chunks are cancelled
   */
  <A, R> List<R> map(PoolFunction<? super A, ? extends R> fn, Collection<? extends A> items)
      throws InterruptedException;

  /**
   * Like {@link #map(PoolFunction, Collection)} with a chosen chunk size.
   *
   * @param fn the function
   * @param items the items
   * @param chunkSize items per task, {@code >= 1}, or 0 for the default
   * @param <A> the item type
   * @param <R> the result type
   * @return the results, in the items' order
   * @throws InterruptedException when the waiting thread is interrupted
   * @throws IllegalArgumentException when {@code chunkSize < 0}
   */
  <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn, Collection<? extends A> items, int chunkSize)
      throws InterruptedException;

  /**
   * Like {@link #map(PoolFunction, Collection, int)} with a deadline for the whole map: once it
   * passes, every chunk not yet done fails with a {@link TimeoutException} and this call throws it.
   *
   * @param fn the function
   * @param items the items
   * @param chunkSize items per task, {@code >= 1}, or 0 for the default
   * @param timeout how long the map may take, positive
   * @param <A> the item type
   * @param <R> the result type
   * @return the results, in the items' order
   * @throws InterruptedException when the waiting thread is interrupted
   * @throws TimeoutException when the deadline passed first
   */
  <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn,
      Collection<? extends A> items,
      int chunkSize,
      Duration timeout)
      throws InterruptedException, TimeoutException;

  /**
   * Applies a two-argument function to every pair, like {@code Pool.starmap}.
   *
   * @param fn the function
   * @param pairs the argument pairs
   * @param chunkSize items per task, or 0 for the default
   * @param <A> the first argument type
   * @param <B> the second argument type
   * @param <R> the result type
   * @return the results, in the pairs' order
   * @throws InterruptedException when the waiting thread is interrupted
   */
  <A, B, R> List<R> starmap(
      PoolBiFunction<? super A, ? super B, ? extends R> fn,
      Collection<? extends Map.Entry<? extends A, ? extends B>> pairs,
      int chunkSize)
      throws InterruptedException;

  /**
   * A lazy, ordered {@code map} that keeps a bounded number of chunks in flight; a failed chunk
   * makes {@code next()} throw its failure once, at the position of its first item, and iteration
   * can go on.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1}
   * @param <A> the item type
   * @param <R> the result type
   * @return an iterator over the results in order
   */
  <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn, Iterable<? extends A> items, int chunkSize);

  /**
   * Like {@link #imap} but yields each chunk's results as soon as it arrives.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1}
   * @param <A> the item type
   * @param <R> the result type
   * @return an iterator over the results in completion order
   */
  <A, R> Iterator<R> imapUnordered(
      PoolFunction<? super A, ? extends R> fn, Iterable<? extends A> items, int chunkSize);

  /**
   * Like {@link #imap(PoolFunction, Iterable, int)} with a deadline for the whole iteration, from
   * this call: once it passes, the chunks in flight fail with a {@link TimeoutException}, no more
   * items are sent, and {@code next()} throws it in a {@link CompletionException}.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1}
   * @param timeout how long the iteration may take, positive
   * @param <A> the item type
   * @param <R> the result type
   * @return an iterator over the results in order
   */
  <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      Duration timeout);

  /**
   * Like {@link #imapUnordered(PoolFunction, Iterable, int)} with a deadline for the whole
   * iteration, as {@link #imap(PoolFunction, Iterable, int, Duration)} has.
   *
   * @param fn the function
   * @param items the items, read on the consuming thread
   * @param chunkSize items per task, {@code >= 1}
   * @param timeout how long the iteration may take, positive
   * @param <A> the item type
   * @param <R> the result type
   * @return an iterator over the results in completion order
   */
  <A, R> Iterator<R> imapUnordered(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      Duration timeout);

  /**
   * Stops accepting tasks; the tasks queued and running finish, then the workers are released.
   * Returns at once ({@link #awaitTermination} waits); a second call does nothing.
   */
  default void shutdown() {
    shutdown(QueuedTasks.FINISH);
  }

  /**
   * Stops accepting tasks, and runs or cancels the tasks still queued; running tasks finish, then
   * the workers are released. Returns at once.
   *
   * @param queued what becomes of the tasks not yet started
   */
  void shutdown(QueuedTasks queued);

  /** Stops accepting tasks, cancels queued and running tasks, and releases the workers at once. */
  void shutdownNow();

  /**
   * Waits for the pool to terminate after a shutdown.
   *
   * @param timeout the longest to wait, or null for no limit
   * @return whether the pool terminated in time
   * @throws InterruptedException when interrupted
   */
  boolean awaitTermination(Duration timeout) throws InterruptedException;

  /**
   * @return whether the pool has terminated after a shutdown
   */
  boolean isTerminated();

  /**
   * Shuts down, lets queued and running tasks finish and waits for the pool to terminate, like
   * {@code ExecutorService.close()}; if interrupted while waiting, stops at once and keeps the
   * thread's interrupt status.
   */
  @Override
  void close();
}
