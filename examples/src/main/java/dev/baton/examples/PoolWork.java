package dev.baton.examples;

import dev.baton.process.PoolFunction;
import dev.baton.process.ProcessPool;
import java.io.IOException;
import java.net.URI;
import java.util.Iterator;
import java.util.List;

/**
 * The examples' work for a process pool. Tasks are references to the static methods here, so only a
 * method name and an argument travel to the workers. While tracing, the pool draws each worker on a
 * lane of its own from the spans the worker records and ships back with each chunk's result:
 * running (blue), and waiting for I/O (red) inside a download.
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
   * Runs in a worker: downloads one page with the worker's client (the wait inside {@link
   * dev.baton.core.Blocking}, so a traced worker records it as waiting for I/O).
   *
   * @param uri the page
   * @return its length in bytes
   * @throws IOException if the download fails
   */
  static long download(String uri) throws IOException {
    if (client == null) {
      throw new IllegalStateException("the pool's initializer did not run in this worker");
    }
    return client.download(URI.create(uri));
  }

  /**
   * Runs in a worker: one number's sum of squares.
   *
   * @param n the number
   * @return the sum
   */
  static long sumOfSquares(Long n) {
    return Workloads.sumOfSquares(n);
  }

  /**
   * Runs {@code task} on every item in the pool, in CPython's {@code Pool.map} chunks, stepping the
   * progress bar as results arrive, and adds up the results.
   *
   * @param pool the pool
   * @param task what each item runs (a reference to a static method of this class)
   * @param items the items
   * @param progress stepped once per result
   * @return the sum of the results
   * @throws InterruptedException if interrupted while waiting for results
   */
  static <A> long run(
      ProcessPool pool, PoolFunction<A, Long> task, List<A> items, Progress progress)
      throws InterruptedException {
    long sum = 0;
    Iterator<Long> it = pool.imap(task, items, chunkSize(items.size(), pool.workerCount()));
    while (it.hasNext()) {
      sum += it.next();
      progress.step();
    }
    return sum;
  }
}
