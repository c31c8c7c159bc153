package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;

/**
 * A TCP, TLS or Unix domain socket server on the loop's selector (asyncio's {@code start_server},
 * {@code start_unix_server}): each accepted connection runs the handler in a task of its own; the
 * connection is closed when the handler returns.
 *
 * <p>A failing accept (out of file descriptors, EMFILE/ENFILE, or out of socket buffers) is not
 * retried at once, which would spin the loop on a listening socket that stays ready: accepting is
 * paused for 50 ms, doubling up to 1.6 s while it keeps failing (Tomcat's acceptor; Netty pauses
 * for a second), and resumes on the first success. It is logged at WARN once per 10 s with the
 * failures counted since; the first success after a reported failure is logged at INFO. Pending
 * clients wait in the listen backlog meanwhile.
 *
 * <p>Threading: loop-only.
 */
public final class Server {

  /** The code that serves one connection, run as a task. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param reader the connection's reading side
     * @param writer its writing side
     * @throws Exception logged with the connection; the connection is closed
     */
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
  }

  /** First pause of accepting after a failed accept; doubled per failure up to the maximum. */
  private static final long FIRST_PAUSE_MILLIS = 50;

  private static final long MAX_PAUSE_MILLIS = 1_600;

  /** At most one WARN per this period for failed accepts; the others are counted. */
  private static final long WARN_PERIOD_NANOS = 10_000_000_000L;

  private final EventLoop loop;
  private final ServerSocketChannel channel;
  private final SelectionKey key;
  private final Handler handler;
  private final java.net.SocketAddress address;

  /** The socket file of a Unix domain server and its file key when bound, else null. */
  private final java.nio.file.Path socketFile;

  private final Object socketFileKey;

  /** Handler tasks still running. Loop thread only. */
  private final Set<Task<Void>> active = new LinkedHashSet<>();

  private Future<Void> allDone;
  private long accepted;

  // Accept back-off, loop thread only.

  /** The current pause; 0 while accepts succeed. */
  private long pauseMillis;

  /** The timer that resumes accepting, or null while not paused. */
  private TimerHandle resume;

  /** Failed accepts since the last WARN (or since the server started). */
  private long failuresUnreported;

  /** When the last WARN was logged (nanoTime), or 0 before the first. */
  private long lastWarnNanos;

  /** Whether a failure was logged and the recovery not yet. */
  private boolean recoveryToReport;

  private Server(EventLoop loop, ServerSocketChannel channel, Handler handler) throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.handler = handler;
    this.address = channel.getLocalAddress();
    if (address instanceof java.net.UnixDomainSocketAddress unix) {
      socketFile = unix.getPath();
      socketFileKey = UnixSockets.fileKey(socketFile);
    } else {
      socketFile = null;
      socketFileKey = null;
    }
    this.key = loop.register(channel, SelectionKey.OP_ACCEPT, new Ready());
  }

  /**
   * Binds {@code host}:{@code port} and starts accepting. Loop-only.
   *
   * @param handler serves each connection, in a task of its own
   * @param host the address to bind, e.g. "127.0.0.1"
   * @param port the port, or 0 for any free one (see {@link #port()})
   * @return the running server
   * @throws IOException if binding fails
   */
  public static Server start(Handler handler, String host, int port) throws IOException {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
    }
    EventLoop loop = EventLoop.currentOrNull();
    if (loop == null) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" started a server outside any loop; start it from a task or callback");
    }
    loop.checkLoopThread("Server.start");
    ServerSocketChannel ch = ServerSocketChannel.open();
    try {
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      ch.bind(new InetSocketAddress(host, port), 128);
      ch.configureBlocking(false);
      return new Server(loop, ch, handler);
    } catch (IOException | RuntimeException e) {
      Connection.closeQuietly(ch);
      throw e;
    }
  }

  /**
   * Binds {@code host}:{@code port} and serves TLS (asyncio's {@code start_server(...,
   * ssl=context)}): each connection's handshake runs first, in the connection's task; the handler
   * sees plaintext streams. A connection whose handshake fails (an untrusted client certificate, no
   * common protocol, a peer that stalls past {@link TlsOptions#handshakeTimeout()}) is closed and
   * logged at INFO; the server serves on. Loop-only.
   *
   * @param handler serves each connection once its handshake is done
   * @param host the address to bind
   * @param port the port, or 0 for any free one
   * @param tls the server's settings ({@link TlsOptions#server})
   * @return the running server
   * @throws IOException if binding fails
   */
  public static Server start(Handler handler, String host, int port, TlsOptions tls)
      throws IOException {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(tls, "tls");
    if (tls.clientMode()) {
      throw new IllegalArgumentException(
          "Server.start needs server TLS options (TlsOptions.server), got " + tls);
    }
    return start(tlsFirst(handler, tls), host, port);
  }

  /**
   * Binds the Unix domain socket {@code path} and starts accepting (asyncio's {@code
   * start_unix_server}). A socket file left by a server that is gone (nothing accepts on it) is
   * replaced; one that a live server holds is not ({@link java.net.BindException}). {@link #close}
   * removes the file, if it is still the one this server made. Loop-only.
   *
   * @param handler serves each connection, in a task of its own
   * @param path the socket file to create
   * @return the running server
   * @throws IOException if binding fails
   */
  public static Server startUnix(Handler handler, java.nio.file.Path path) throws IOException {
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(path, "path");
    EventLoop loop = EventLoop.currentOrNull();
    if (loop == null) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" started a server outside any loop; start it from a task or callback");
    }
    loop.checkLoopThread("Server.startUnix");
    UnixSockets.removeIfStale(path);
    ServerSocketChannel ch = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
    try {
      ch.bind(java.net.UnixDomainSocketAddress.of(path), 128);
      ch.configureBlocking(false);
      return new Server(loop, ch, handler);
    } catch (IOException | RuntimeException e) {
      Connection.closeQuietly(ch);
      throw e;
    }
  }

  private static Handler tlsFirst(Handler handler, TlsOptions tls) {
    return (reader, writer) -> {
      Connection c = writer.connection();
      try {
        c.startTls(tls);
      } catch (javax.net.ssl.SSLException e) {
        EventLoop.LOG.info("TLS handshake with {} failed: {}", c.remoteAddress(), e.toString());
        return;
      }
      handler.handle(reader, writer);
    };
  }

  /**
   * @return the bound port
   */
  public int port() {
    return address instanceof InetSocketAddress inet ? inet.getPort() : -1;
  }

  /**
   * @return the bound address, or null for a Unix domain server (see {@link #localAddress()})
   */
  public InetSocketAddress address() {
    return address instanceof InetSocketAddress inet ? inet : null;
  }

  /**
   * @return the bound address: an {@link InetSocketAddress} or a {@link
   *     java.net.UnixDomainSocketAddress}
   */
  public java.net.SocketAddress localAddress() {
    return address;
  }

  /**
   * @return whether it still accepts connections
   */
  public boolean isServing() {
    return channel.isOpen();
  }

  /** Stops accepting; connections being served go on. Idempotent. Loop-only. */
  public void close() {
    loop.checkLoopThread("Server.close");
    if (resume != null) {
      resume.cancel();
      resume = null;
    }
    key.cancel();
    boolean wasOpen = channel.isOpen();
    Connection.closeQuietly(channel);
    if (wasOpen && socketFile != null) {
      UnixSockets.removeIfOurs(socketFile, socketFileKey);
    }
    signalIfIdle();
  }

  /**
   * Suspends the current task until the server is closed and every connection handler has ended.
   */
  public void waitClosed() {
    while (channel.isOpen() || !active.isEmpty()) {
      if (allDone == null || !allDone.pendingPlain()) {
        allDone = new Future<>(loop);
      }
      Tasks.await(Tasks.shield(allDone));
    }
  }

  /**
   * @return the handler tasks still running
   */
  public List<Task<Void>> activeConnections() {
    return List.copyOf(active);
  }

  private void ready(int readyOps) {
    while (true) {
      SocketChannel ch;
      try {
        ch = channel.accept();
      } catch (IOException e) {
        acceptFailed(e);
        return;
      }
      if (ch == null) {
        return;
      }
      if (pauseMillis != 0) {
        acceptRecovered();
      }
      Connection c;
      try {
        c = Connection.accepted(loop, ch);
      } catch (IOException e) {
        EventLoop.LOG.warn("could not set up a connection accepted on {}", address, e);
        Connection.closeQuietly(ch);
        continue;
      }
      Task<Void> t =
          loop.createTask(
              "connection-" + (++accepted) + "@" + port(),
              () -> {
                try {
                  handler.handle(c.reader(), c.writer());
                } catch (CancellationException e) {
                  c.abort();
                  throw e;
                } catch (Exception e) {
                  EventLoop.LOG.warn("handler of {} on server {} failed", c, address, e);
                } finally {
                  c.close();
                }
                return null;
              });
      active.add(t);
      t.addDoneCallback(
          f -> {
            active.remove(t);
            signalIfIdle();
          });
    }
  }

  /** Pauses accepting: the listening socket stays ready, so retrying at once would spin. */
  private void acceptFailed(IOException e) {
    if (!channel.isOpen() || !key.isValid()) {
      return;
    }
    pauseMillis =
        pauseMillis == 0 ? FIRST_PAUSE_MILLIS : Math.min(2 * pauseMillis, MAX_PAUSE_MILLIS);
    failuresUnreported++;
    key.interestOps(0);
    resume = loop.callLater(Duration.ofMillis(pauseMillis), this::resumeAccepting);
    long now = System.nanoTime();
    if (lastWarnNanos != 0 && now - lastWarnNanos < WARN_PERIOD_NANOS) {
      return;
    }
    lastWarnNanos = now;
    recoveryToReport = true;
    EventLoop.LOG.warn(
        "accept failed on server {} ({} failure(s) since the last report): {}; accepting is paused"
            + " for {} ms, then retried, backing off up to {} ms while it fails (out of file"
            + " descriptors: raise the limit, ulimit -n, or hold fewer connections). Further"
            + " failures for {} s are only counted",
        address,
        failuresUnreported,
        e.toString(),
        pauseMillis,
        MAX_PAUSE_MILLIS,
        WARN_PERIOD_NANOS / 1_000_000_000L);
    failuresUnreported = 0;
  }

  private void resumeAccepting() {
    resume = null;
    if (channel.isOpen() && key.isValid()) {
      key.interestOps(SelectionKey.OP_ACCEPT);
    }
  }

  private void acceptRecovered() {
    pauseMillis = 0;
    if (recoveryToReport) {
      recoveryToReport = false;
      EventLoop.LOG.info(
          "server {} accepts connections again ({} more failed accept(s) since the last report)",
          address,
          failuresUnreported);
      failuresUnreported = 0;
    }
  }

  private void signalIfIdle() {
    if (!channel.isOpen() && active.isEmpty() && allDone != null && allDone.pendingPlain()) {
      allDone.setResult(null);
    }
  }

  /** The selector's side: not part of the public face. */
  private final class Ready implements ReadinessHandler {
    @Override
    public void ready(int readyOps) {
      Server.this.ready(readyOps);
    }

    @Override
    public String toString() {
      return Server.this.toString();
    }
  }

  @Override
  public String toString() {
    return "Server[" + address + "]";
  }
}
