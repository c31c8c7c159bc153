package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A TCP connection on the loop's selector, as a {@link StreamReader} and a {@link StreamWriter}
 * (asyncio's streams). Opened by {@link #open}, or handed to a {@link Server}'s handler.
 *
 * <p>Threading: loop-only; the reading and draining methods must be called from a task. Errors,
 * resets and the end of the stream surface as exceptions at the task that awaits, never on the loop
 * thread.
 */
public final class Connection {
  private final EventLoop loop;
  final SocketChannel channel;
  final SelectionKey key;
  private final StreamReader reader;
  private final StreamWriter writer;

  /**
   * The peer, recorded when the connection is made: a closed or reset socket no longer reports it,
   * and the logs that name the connection are written after the reset.
   */
  private final SocketAddress peer;

  /** Whether closeNow ran. Loop thread only. */
  private boolean closed;

  /** Pending connect, completed by the selector. Loop thread only. */
  private Future<Void> connecting;

  private Connection(EventLoop loop, SocketChannel channel, SocketAddress peer, boolean connected)
      throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.peer = peer;
    this.key = loop.register(channel, connected ? 0 : SelectionKey.OP_CONNECT, new Ready());
    this.reader = new StreamReader(this);
    this.writer = new StreamWriter(this);
  }

  static Connection accepted(EventLoop loop, SocketChannel channel) throws IOException {
    SocketAddress peer = channel.getRemoteAddress();
    configure(channel);
    return new Connection(loop, channel, peer, true);
  }

  /**
   * Connects to {@code host}:{@code port} (asyncio's {@code open_connection}); suspends the current
   * task until connected.
   *
   * @param host a host name or an IP literal; names are resolved off the loop
   * @param port the port, 1 to 65535
   * @return the connection
   * @throws IOException if the connection is refused or fails
   * @throws BatonMisuseException outside a task
   */
  public static Connection open(String host, int port) throws IOException {
    return open(host, port, null);
  }

  /**
   * Like {@link #open(String, int)}, giving up after {@code timeout}.
   *
   * @param host a host name or an IP literal
   * @param port the port, 1 to 65535
   * @param timeout the limit, or null for none
   * @return the connection
   * @throws IOException if the connection is refused or fails
   * @throws java.net.SocketTimeoutException if not connected in time (as {@link
   *     java.net.Socket#connect(SocketAddress, int)} reports it), its cause the {@link
   *     java.util.concurrent.TimeoutException} of {@link Tasks#timeout}
   */
  public static Connection open(String host, int port, Duration timeout) throws IOException {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1 to 65535, got " + port);
    }
    Task<?> task = Tasks.current("Connection.open");
    if (timeout == null) {
      return connect(task.loop, host, port);
    }
    try {
      return Tasks.timeout(timeout, () -> connect(task.loop, host, port));
    } catch (java.util.concurrent.TimeoutException e) {
      java.net.SocketTimeoutException timedOut =
          new java.net.SocketTimeoutException(
              "connecting to " + host + ":" + port + " took longer than " + timeout);
      timedOut.initCause(e);
      throw timedOut;
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  private static Connection connect(EventLoop loop, String host, int port) throws IOException {
    InetSocketAddress address;
    if (isIpLiteral(host)) {
      address = new InetSocketAddress(host, port);
    } else {
      address = awaitIo(loop.runInExecutor(() -> new InetSocketAddress(host, port)));
      if (address.isUnresolved()) {
        throw new java.net.UnknownHostException(host);
      }
    }
    SocketChannel ch = SocketChannel.open();
    boolean ok = false;
    try {
      configure(ch);
      boolean connected = ch.connect(address);
      Connection c = new Connection(loop, ch, address, connected);
      if (!connected) {
        c.connecting = new Future<>(loop);
        awaitIo(c.connecting);
      }
      ok = true;
      return c;
    } finally {
      if (!ok) {
        closeQuietly(ch);
      }
    }
  }

  private static void configure(SocketChannel ch) throws IOException {
    ch.configureBlocking(false);
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
  }

  private static boolean isIpLiteral(String host) {
    return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  /**
   * Awaits {@code f}, unwrapping an {@link IOException} from the CompletionException await uses.
   */
  static <T> T awaitIo(Future<T> f) throws IOException {
    try {
      return Tasks.await(f);
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  /**
   * @return the reading side
   */
  public StreamReader reader() {
    return reader;
  }

  /**
   * @return the writing side
   */
  public StreamWriter writer() {
    return writer;
  }

  /**
   * @return the peer's address, as it was when the connection was made (also after a close or a
   *     reset)
   */
  public SocketAddress remoteAddress() {
    return peer;
  }

  /** Closes the connection at once, dropping unwritten data. Loop-only. Idempotent. */
  public void abort() {
    loop.checkLoopThread("Connection.abort");
    closeNow(null);
  }

  /** Flushes what was written, then closes (same as {@code writer().close()}). Loop-only. */
  public void close() {
    writer.close();
  }

  EventLoop loop() {
    return loop;
  }

  void interest(int op, boolean on) {
    if (!key.isValid()) {
      return;
    }
    int ops = key.interestOps();
    int next = on ? ops | op : ops & ~op;
    if (next != ops) {
      key.interestOps(next);
    }
  }

  /** Closes the channel; wakes both sides, with {@code cause} when it is a failure. */
  void closeNow(IOException cause) {
    if (closed) {
      return;
    }
    closed = true; // not channel.isOpen(): a failed finishConnect closes the channel itself
    key.cancel();
    closeQuietly(channel);
    if (connecting != null && connecting.pendingPlain()) {
      connecting.setException(cause != null ? cause : new IOException("connection closed"));
    }
    reader.connectionLost(cause);
    writer.connectionLost(cause);
  }

  private void ready(int ops) {
    if ((ops & SelectionKey.OP_CONNECT) != 0) {
      try {
        channel.finishConnect();
        interest(SelectionKey.OP_CONNECT, false);
        if (connecting.pendingPlain()) {
          connecting.setResult(null);
        }
      } catch (IOException e) {
        closeNow(e);
        return;
      }
    }
    if ((ops & SelectionKey.OP_READ) != 0) {
      reader.readable();
    }
    if ((ops & SelectionKey.OP_WRITE) != 0 && channel.isOpen()) {
      writer.writable();
    }
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      EventLoop.LOG.debug("closing {} failed", c, e);
    }
  }

  /** The selector's side: not part of the public face. */
  private final class Ready implements ReadinessHandler {
    @Override
    public void ready(int readyOps) {
      Connection.this.ready(readyOps);
    }

    @Override
    public String toString() {
      return Connection.this.toString();
    }
  }

  @Override
  public String toString() {
    return "Connection[" + peer + (closed ? ", closed" : "") + "]";
  }
}
