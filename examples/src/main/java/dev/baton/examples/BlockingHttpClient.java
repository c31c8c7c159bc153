package dev.baton.examples;

import dev.baton.core.Blocking;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A blocking HTTP/1.1 client, like the article's {@code requests.Session}: {@link #download} waits
 * for the whole page inside a {@link Blocking} section, so a thread of a GIL runtime releases the
 * GIL while it waits (as CPython releases it around a socket read).
 *
 * <p>Threading: one client may be shared by several threads; it keeps a pool of connections.
 */
final class BlockingHttpClient implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final HttpClient client;

  BlockingHttpClient() {
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /**
   * Downloads a page, blocking the calling thread until it has arrived.
   *
   * @param uri the page
   * @return the page's length in bytes
   * @throws IOException if the page cannot be fetched or the answer is not 200 OK ({@link
   *     InterruptedIOException} if the thread is interrupted while it waits, with its interrupt
   *     status set)
   */
  int download(URI uri) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build();
    HttpResponse<byte[]> response = Blocking.call(() -> send(request));
    if (response.statusCode() != 200) {
      throw new IOException("GET " + uri + " answered " + response.statusCode() + ", not 200");
    }
    return response.body().length;
  }

  private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + request.uri());
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
