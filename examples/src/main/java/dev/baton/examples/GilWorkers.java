package dev.baton.examples;

import dev.baton.gil.GilRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed pool of threads of one GIL runtime working through numbered tasks, like the article's
 * {@code ThreadPoolExecutor(max_workers=5).map(...)}: each thread takes the next task number until
 * none is left.
 *
 * <p>Threading: {@link #run} is called by a thread outside the runtime (it waits for the workers
 * without holding the GIL).
 */
final class GilWorkers {
  private GilWorkers() {}

  /** One task. */
  @FunctionalInterface
  interface Task {
    /**
     * @param index the task's number, from 0
     * @return what the task produced; {@link #run} adds these up
     */
    long run(int index) throws Exception;
  }

  /**
   * Runs tasks {@code 0 .. count-1} on {@code threads} new threads of {@code runtime} and waits for
   * them.
   *
   * @param runtime the runtime the threads belong to (they hold its GIL while they run)
   * @param threads how many threads, at least 1
   * @param count how many tasks
   * @param task what each task does
   * @return the sum of the tasks' results
   * @throws Exception the first exception a task threw (the others stop taking tasks)
   */
  static long run(GilRuntime runtime, int threads, int count, Task task) throws Exception {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    AtomicInteger next = new AtomicInteger();
    AtomicLong sum = new AtomicLong();
    AtomicReference<Exception> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          runtime.startThread(
              "worker-" + (t + 1),
              () -> {
                for (int i; failure.get() == null && (i = next.getAndIncrement()) < count; ) {
                  try {
                    sum.addAndGet(task.run(i));
                  } catch (Exception e) {
                    failure.compareAndSet(null, e);
                  }
                }
              }));
    }
    for (Thread worker : workers) {
      worker.join();
    }
    if (failure.get() != null) {
      throw failure.get();
    }
    return sum.get();
  }
}
