package dev.baton.examples;

import dev.baton.eventloop.AsyncSemaphore;
import dev.baton.eventloop.Connection;
import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.Future;
import dev.baton.eventloop.Task;
import dev.baton.eventloop.Tasks;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The article's asyncio version with aiohttp, on Baton's event loop: one task per page, each
 * opening a TCP stream on the loop's selector, writing an HTTP/1.1 GET and reading the answer with
 * {@link Http1Response}. Every task is in flight at once unless a semaphore caps them. The loop
 * draws each task's steps on the task's own lane; the gaps between them are its waits.
 *
 * <p>Threading: {@link #downloadAll} runs its own loop on the calling thread and returns when every
 * page has arrived.
 */
final class LoopHttpClient {
  /** Bytes asked of the stream per read. */
  private static final int READ_SIZE = 64 * 1024;

  private LoopHttpClient() {}

  /**
   * Downloads every page concurrently on one event loop.
   *
   * @param sites the pages (plain {@code http://} only)
   * @param limit the most downloads in flight at once, or 0 for no limit
   * @param progress stepped once per page, on the loop
   * @return the bytes of all bodies
   * @throws IllegalArgumentException if a page is not plain http, or {@code limit} is negative
   * @throws RuntimeException a download's failure ({@link IOException} as its cause)
   */
  static long downloadAll(List<URI> sites, int limit, Progress progress) {
    if (limit < 0) {
      throw new IllegalArgumentException("--limit must be 0 (no limit) or more, got " + limit);
    }
    List<byte[]> requests = new ArrayList<>(sites.size());
    for (URI site : sites) {
      requests.add(Http1Response.get(site));
    }
    return EventLoop.run(
        () -> {
          EventLoop loop = EventLoop.current();
          AsyncSemaphore semaphore = limit > 0 ? new AsyncSemaphore(limit) : null;
          List<Future<Long>> tasks = new ArrayList<>(sites.size());
          for (int i = 0; i < sites.size(); i++) {
            URI site = sites.get(i);
            byte[] request = requests.get(i);
            String name = "download-" + (i + 1);
            Task<Long> task =
                loop.createTask(
                    name,
                    () -> {
                      if (semaphore != null) {
                        semaphore.acquire();
                      }
                      try {
                        return download(site, request, progress);
                      } finally {
                        if (semaphore != null) {
                          semaphore.release();
                        }
                      }
                    });
            tasks.add(task);
          }
          long total = 0;
          for (Long bytes : Tasks.await(Tasks.gather(tasks))) {
            total += bytes;
          }
          return total;
        });
  }

  /** One task's download: connect, send, read until the response is complete. */
  private static long download(URI site, byte[] request, Progress progress) throws IOException {
    Connection connection = Connection.open(site.getHost(), port(site));
    try {
      connection.writer().write(request);
      connection.writer().drain();
      Http1Response response = new Http1Response();
      boolean complete = false;
      while (!complete) {
        byte[] bytes = connection.reader().read(READ_SIZE);
        complete =
            bytes.length == 0 ? response.endOfStream() : response.feed(ByteBuffer.wrap(bytes));
      }
      response.requireOk(site);
      progress.step();
      return response.bodyBytes();
    } finally {
      connection.close();
    }
  }

  private static int port(URI site) {
    return site.getPort() >= 0 ? site.getPort() : 80;
  }
}
