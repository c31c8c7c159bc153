package dev.baton.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The web the I/O examples download from: an HTTP/1.1 server on 127.0.0.1 serving the two pages of
 * Real Python's workload (its {@code jython.org} and {@code olympus.realpython.org/dice}), each
 * after a fixed latency, so that the examples run offline and their figures do not depend on the
 * internet.
 *
 * <p>Each request is handled on its own virtual thread, which sleeps for the latency and then sends
 * the page with a {@code Content-Length}; any number of requests can wait at once, as they would on
 * a real server.
 *
 * <p>Threading: {@link #start} and {@link #close} from one thread; the other methods from any.
 */
final class PageServer implements AutoCloseable {
  /** The two pages' paths, in the order the article's site list alternates them. */
  static final List<String> PATHS = List.of("/jython", "/dice");

  /** The largest page the server will make. */
  static final int MAX_PAGE_SIZE = 64 << 20;

  static {
    // Without TCP_NODELAY the JDK server sends headers and body in two segments, and the second
    // waits for the client's delayed ACK: ~40 ms a page, which would swamp the configured latency.
    // Read once, when the JDK server's configuration class loads.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService handlers;
  private final byte[][] pages;
  private final long latencyNanos;

  /** Pages sent or being sent; incremented by handler threads. */
  private final AtomicLong served = new AtomicLong();

  private PageServer(HttpServer server, ExecutorService handlers, byte[][] pages, long latency) {
    this.server = server;
    this.handlers = handlers;
    this.pages = pages;
    this.latencyNanos = latency;
  }

  /**
   * Starts a server on 127.0.0.1 on a free port.
   *
   * @param latency how long each request waits before its page is sent; zero or more
   * @param pageSize each page's size in bytes, 1 to {@link #MAX_PAGE_SIZE}
   * @return the running server
   * @throws IllegalArgumentException if {@code latency} is negative or {@code pageSize} out of
   *     range
   * @throws IOException if no socket can be bound
   */
  static PageServer start(Duration latency, int pageSize) throws IOException {
    if (latency.isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, got " + latency);
    }
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
      throw new IllegalArgumentException(
          "pageSize must be between 1 and " + MAX_PAGE_SIZE + " bytes, got " + pageSize);
    }
    byte[][] pages = new byte[PATHS.size()][];
    for (int i = 0; i < pages.length; i++) {
      pages[i] = page(PATHS.get(i), pageSize);
    }
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
    ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(handlers);
    PageServer pageServer = new PageServer(server, handlers, pages, latency.toNanos());
    server.createContext("/", pageServer::handle);
    server.start();
    return pageServer;
  }

  /**
   * The content of a page: a small HTML document naming the path, padded to exactly {@code size}
   * bytes (cut short when {@code size} is smaller than the document's head).
   *
   * @param path the page's path
   * @param size its size in bytes
   * @return the page
   */
  static byte[] page(String path, int size) {
    String head = "<!doctype html><title>" + path + "</title><pre>";
    StringBuilder text = new StringBuilder(size).append(head);
    for (int line = 0; text.length() < size; line++) {
      text.append(path).append(" line ").append(line).append('\n');
    }
    text.setLength(size);
    return text.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * @param downloads how many downloads
   * @return the article's site list at this server: its two pages alternated, {@code downloads}
   *     long (160 in the article)
   */
  List<URI> sites(int downloads) {
    if (downloads < 0) {
      throw new IllegalArgumentException("downloads must not be negative, got " + downloads);
    }
    List<URI> sites = new ArrayList<>(downloads);
    for (int i = 0; i < downloads; i++) {
      sites.add(uri(PATHS.get(i % PATHS.size())));
    }
    return sites;
  }

  /**
   * @param path a path starting with {@code /}
   * @return its address on this server
   */
  URI uri(String path) {
    InetSocketAddress address = server.getAddress();
    return URI.create(
        "http://" + address.getAddress().getHostAddress() + ":" + address.getPort() + path);
  }

  /**
   * @return the port the server listens on
   */
  int port() {
    return server.getAddress().getPort();
  }

  /**
   * @return how many pages the server has sent or started to send
   */
  long served() {
    return served.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      int index = PATHS.indexOf(exchange.getRequestURI().getPath());
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (index < 0) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      if (latencyNanos > 0) {
        try {
          Thread.sleep(Duration.ofNanos(latencyNanos));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          exchange.sendResponseHeaders(503, -1);
          return;
        }
      }
      byte[] body = pages[index];
      // counted before sending, so that a client that has the page sees it counted
      served.incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", "text/html; charset=us-ascii");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Stops the server at once, abandoning requests in progress. */
  @Override
  public void close() {
    server.stop(0);
    handlers.shutdownNow();
  }
}
