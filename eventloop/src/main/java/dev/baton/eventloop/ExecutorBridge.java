package dev.baton.eventloop;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Work outside the loop with its outcome brought back in: {@link EventLoop#runInExecutor} and
 * {@link EventLoop#wrapFuture} (asyncio's {@code run_in_executor} and {@code wrap_future}). The
 * outcome comes back as a thread-safe submission, so that a loop closing first still gives it to
 * other threads' {@link Future#get()} ({@link LoopInbox#completeFromOutside}).
 */
final class ExecutorBridge {
  private static final AtomicInteger EXECUTOR_THREADS = new AtomicInteger();

  private ExecutorBridge() {}

  /** asyncio's default executor: daemon platform threads, min(32, CPUs + 4) of them. */
  static ExecutorService newDefaultExecutor(String loopName) {
    int threads = Math.min(32, Runtime.getRuntime().availableProcessors() + 4);
    return Executors.newFixedThreadPool(
        threads,
        r ->
            Thread.ofPlatform()
                .daemon()
                .name(loopName + "-executor-" + EXECUTOR_THREADS.incrementAndGet())
                .unstarted(r));
  }

  /** Runs {@code action} on {@code executor}; its outcome completes {@code future} on the loop. */
  static <T> Future<T> runIn(Future<T> future, Executor executor, Callable<T> action) {
    executor.execute(
        () -> {
          T value;
          try {
            value = action.call();
          } catch (Throwable e) {
            LoopInbox.completeFromOutside(future, null, e);
            return;
          }
          LoopInbox.completeFromOutside(future, value, null);
        });
    return future;
  }

  /** {@code future} follows {@code source}; cancelling {@code future} cancels {@code source}. */
  static <T> Future<T> follow(Future<T> future, CompletableFuture<T> source) {
    future.addDoneCallback(
        f -> {
          if (f.isCancelled()) {
            source.cancel(false);
          }
        });
    source.whenComplete(
        (value, error) -> {
          Throwable cause = error instanceof CompletionException ce ? ce.getCause() : error;
          LoopInbox.completeFromOutside(future, value, cause);
        });
    return future;
  }
}
