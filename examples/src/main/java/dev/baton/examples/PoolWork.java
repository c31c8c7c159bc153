package dev.baton.examples;

import dev.baton.core.trace.Lane;
import dev.baton.core.trace.LaneKind;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import dev.baton.process.PoolFunction;
import dev.baton.process.ProcessPool;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The examples' work for a process pool. Tasks are references to the static methods here, so only a
 * method name and an argument travel to the workers; each result comes back with the worker's pid
 * and when it ran, which the parent draws on one lane per worker.
 *
 * <p>Threading: the static methods run in worker JVMs, one task at a time per worker.
 */
final class PoolWork {
  private PoolWork() {}

  /**
   * One worker's HTTP client, made by the pool's initializer: the article's {@code
   * set_global_session}, one session per process. Written once by the initializer, before the
   * worker's first task, on the worker's task thread.
   */
  private static BlockingHttpClient client;

  /**
   * What a task produced, where and when.
   *
   * @param value the task's result
   * @param pid the worker's process id
   * @param startEpochNanos when the task began, in nanoseconds since the epoch (wall clock: the
   *     workers' monotonic clocks do not match the parent's)
   * @param endEpochNanos when it ended
   */
  record Timed(long value, long pid, long startEpochNanos, long endEpochNanos)
      implements Serializable {}

  /**
   * @param workers how many worker JVMs
   * @param name the pool's name
   * @param io whether the workers download (each gets its own HTTP client)
   * @return a started pool whose workers may run this class's tasks
   * @throws InterruptedException if interrupted while the workers start
   */
  static ProcessPool pool(int workers, String name, boolean io) throws InterruptedException {
    ProcessPool.Builder builder =
        ProcessPool.builder()
            .name(name)
            .workers(workers)
            .allowClasses(Timed.class.getName())
            // the worker JVMs run JCTools like this one: no Unsafe warning from them either
            .jvmOptions(unsafeFlag());
    if (io) {
      builder.initializer(PoolWork::initHttpClient);
    }
    return builder.build();
  }

  private static String[] unsafeFlag() {
    return Runtime.version().feature() >= 24
        ? new String[] {"--sun-misc-unsafe-memory-access=allow"}
        : new String[0];
  }

  /**
   * @param items how many items
   * @param workers how many workers
   * @return CPython's {@code Pool.map} chunk size: {@code ceil(items / (4 * workers))}, at least 1
   */
  static int chunkSize(int items, int workers) {
    return Math.max(1, (items + 4 * workers - 1) / (4 * workers));
  }

  /** The pool's initializer: one HTTP client per worker. */
  static void initHttpClient() {
    client = new BlockingHttpClient();
  }

  /**
   * Runs in a worker: downloads one page with the worker's client.
   *
   * @param uri the page
   * @return its length in bytes, timed
   * @throws IOException if the download fails
   */
  static Timed download(String uri) throws IOException {
    if (client == null) {
      throw new IllegalStateException("the pool's initializer did not run in this worker");
    }
    long start = epochNanos();
    int bytes = client.download(URI.create(uri));
    return new Timed(bytes, ProcessHandle.current().pid(), start, epochNanos());
  }

  /**
   * Runs in a worker: one number's sum of squares.
   *
   * @param n the number
   * @return the sum, timed
   */
  static Timed sumOfSquares(Long n) {
    long start = epochNanos();
    long sum = Workloads.sumOfSquares(n);
    return new Timed(sum, ProcessHandle.current().pid(), start, epochNanos());
  }

  /**
   * Runs {@code task} on every item in the pool, in CPython's {@code Pool.map} chunks, stepping the
   * progress bar as results arrive, and adds up the results.
   *
   * @param pool the pool
   * @param task what each item runs (a reference to a static method of this class)
   * @param items the items
   * @param progress stepped once per result
   * @param state how to draw a task on its worker's lane
   * @param label the spans' label
   * @return the sum of the results' values
   * @throws InterruptedException if interrupted while waiting for results
   */
  static <A> long run(
      ProcessPool pool,
      PoolFunction<A, Timed> task,
      List<A> items,
      Progress progress,
      SpanState state,
      String label)
      throws InterruptedException {
    List<Timed> results = new ArrayList<>(items.size());
    Iterator<Timed> it = pool.imap(task, items, chunkSize(items.size(), pool.workerCount()));
    while (it.hasNext()) {
      results.add(it.next());
      progress.step();
    }
    return collect(results, state, label);
  }

  /**
   * Adds up the results and, when tracing, draws each task on its worker's lane.
   *
   * @param results what the tasks returned
   * @param state how to draw a task: RUNNING for computing, WAITING_FOR_IO for a download
   * @param label the spans' label
   * @return the sum of the values
   */
  static long collect(List<Timed> results, SpanState state, String label) {
    long sum = 0;
    // nanoTime = epoch + offset, to within the wall clock's resolution
    long offset = System.nanoTime() - epochNanos();
    Map<Long, Lane> lanes = new HashMap<>();
    for (Timed timed : results) {
      sum += timed.value();
      if (Tracer.isEnabled()) {
        Lane lane =
            lanes.computeIfAbsent(
                timed.pid(), pid -> Lane.of(LaneKind.WORKER, "worker pid " + pid, pid));
        Tracer.span(
            lane, state, timed.startEpochNanos() + offset, timed.endEpochNanos() + offset, label);
      }
    }
    return sum;
  }

  private static long epochNanos() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}
