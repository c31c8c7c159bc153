package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link EventLoop#run(TaskBody)}: a new loop for one main task, then its end (CPython's {@code
 * asyncio/runners.py}, apart from the loop as there). With {@link TaskMechanism#VIRTUAL_THREADS}
 * the loop runs on a new virtual thread, so that task switches are virtual-to-virtual hand-offs,
 * unless the calling thread is virtual itself or has a {@link dev.baton.core.BlockingHandler} (a
 * GIL thread), which then runs the loop.
 */
final class LoopRunner {
  private LoopRunner() {}

  static <T> T run(EventLoop.Builder settings, TaskBody<T> main) {
    Objects.requireNonNull(main, "main");
    String name = settings.name;
    TaskMechanism mechanism = settings.mechanism;
    long slowNanos = settings.slowNanos;
    long blockedNanos = settings.blockedNanos;
    mechanism.requireAvailable();
    EventLoop outer = EventLoop.currentOrNull();
    if (outer != null) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" called EventLoop.run inside loop \""
              + outer.name()
              + "\"; await a task instead of nesting loops");
    }
    Thread me = Thread.currentThread();
    if (mechanism == TaskMechanism.CONTINUATIONS
        || me.isVirtual()
        || Blocking.currentHandler() != null) {
      return runHere(new EventLoop(name, mechanism, slowNanos, blockedNanos), main);
    }
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Thread loopThread =
        Thread.ofVirtual()
            .name(name)
            .start(
                () -> {
                  try {
                    outcome.complete(
                        runHere(new EventLoop(name, mechanism, slowNanos, blockedNanos), main));
                  } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                  }
                });
    try {
      return outcome.join();
    } catch (CompletionException e) {
      throw Future.rethrowable(e.getCause());
    } finally {
      boolean interrupted = false;
      while (loopThread.isAlive()) {
        try {
          loopThread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        me.interrupt();
      }
    }
  }

  /** Runs main to its end, cancels the tasks left and closes the loop (asyncio's Runner.close). */
  private static <T> T runHere(EventLoop loop, TaskBody<T> main) {
    try {
      Task<T> task = loop.createTask("main", main);
      return loop.runUntilComplete(task);
    } finally {
      try {
        loop.cancelAllTasks();
      } finally {
        loop.close();
      }
    }
  }
}
