package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A byte-stream connection on the loop, as a {@link StreamReader} and a {@link StreamWriter}
 * (asyncio's streams): TCP ({@link #open}), TLS over TCP ({@link #openTls}, {@link #startTls}), a
 * Unix domain socket ({@link #openUnix}), or handed to a {@link Server}'s handler; a {@code
 * Subprocess}'s pipes are connections too, one way each.
 *
 * <p>Threading: loop-only; the reading and draining methods must be called from a task. Errors,
 * resets and the end of the stream surface as exceptions at the task that awaits, never on the loop
 * thread.
 */
public final class Connection {
  private final EventLoop loop;

  /**
   * What the streams read from and write to; replaced once by {@link #startTls}. Loop thread only.
   */
  private Transport transport;

  private final StreamReader reader;
  private final StreamWriter writer;

  /**
   * The peer, recorded when the connection is made: a closed or reset socket no longer reports it,
   * and the logs that name the connection are written after the reset. Null for a pipe.
   */
  private final SocketAddress peer;

  /** What toString names: the peer, or the pipe. */
  private final String label;

  /** Whether closeNow ran. Loop thread only. */
  private boolean closed;

  Connection(EventLoop loop, SocketAddress peer, String label, Transport.Factory transport)
      throws IOException {
    this.loop = loop;
    this.peer = peer;
    this.label = label;
    this.transport = transport.create(this);
    this.reader = new StreamReader(this);
    this.writer = new StreamWriter(this);
  }

  private static Connection overSocket(
      EventLoop loop, SocketChannel channel, SocketAddress peer, boolean connected)
      throws IOException {
    return new Connection(
        loop, peer, String.valueOf(peer), c -> new SocketTransport(c, channel, connected));
  }

  static Connection accepted(EventLoop loop, SocketChannel channel) throws IOException {
    SocketAddress peer = channel.getRemoteAddress();
    configure(channel);
    return overSocket(loop, channel, peer, true);
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
    return connect(loop, SocketChannel.open(), address);
  }

  private static Connection connect(EventLoop loop, SocketChannel ch, SocketAddress address)
      throws IOException {
    boolean ok = false;
    try {
      configure(ch);
      boolean connected = ch.connect(address);
      Connection c = overSocket(loop, ch, address, connected);
      if (!connected) {
        SocketTransport t = (SocketTransport) c.transport;
        t.connecting = new Future<>(loop);
        awaitIo(t.connecting);
      }
      ok = true;
      return c;
    } finally {
      if (!ok) {
        closeQuietly(ch);
      }
    }
  }

  /**
   * Connects to {@code host}:{@code port} over TLS (asyncio's {@code open_connection(...,
   * ssl=context)}): connects, then runs the handshake, suspending the current task until both are
   * done. The server's certificate is checked against {@code tls}'s server name, or {@code host}
   * when it names none; the handshake runs under {@link TlsOptions#handshakeTimeout()}.
   *
   * @param host a host name or an IP literal
   * @param port the port, 1 to 65535
   * @param tls the client's TLS settings ({@link TlsOptions#client})
   * @return the connection, its handshake done
   * @throws javax.net.ssl.SSLHandshakeException if the handshake fails (a certificate that is not
   *     trusted, expired or for another name; no common protocol) or times out
   * @throws IOException if the connection is refused or fails
   */
  public static Connection openTls(String host, int port, TlsOptions tls) throws IOException {
    Objects.requireNonNull(tls, "tls");
    if (!tls.clientMode()) {
      throw new IllegalArgumentException(
          "Connection.open needs client TLS options (TlsOptions.client), got " + tls);
    }
    Connection c = open(host, port, tls.handshakeTimeout());
    boolean ok = false;
    try {
      c.startTls(tls.serverName() == null ? tls.withServerName(host) : tls);
      ok = true;
      return c;
    } finally {
      if (!ok) {
        c.closeNow(null);
      }
    }
  }

  /**
   * Connects to the Unix domain socket at {@code path} (asyncio's {@code open_unix_connection});
   * suspends the current task until connected.
   *
   * @param path the socket file
   * @return the connection
   * @throws IOException if nothing listens there
   * @throws BatonMisuseException outside a task
   */
  public static Connection openUnix(java.nio.file.Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    Task<?> task = Tasks.current("Connection.openUnix");
    return connect(
        task.loop,
        SocketChannel.open(java.net.StandardProtocolFamily.UNIX),
        java.net.UnixDomainSocketAddress.of(path));
  }

  /**
   * Upgrades this connection to TLS (asyncio's {@code start_tls}): from now on the streams carry
   * plaintext over an {@code SSLEngine}. Bytes already read from the peer but not yet taken from
   * the reader go to the handshake. Suspends the current task until the handshake is done.
   * Loop-only, from a task; call it when nothing written waits in the writer.
   *
   * @param tls client or server settings
   * @throws javax.net.ssl.SSLHandshakeException if the handshake fails or does not end within
   *     {@link TlsOptions#handshakeTimeout()}; the connection is then closed
   * @throws IOException if the connection fails meanwhile
   * @throws IllegalStateException if it is TLS already, is not a socket, or has unwritten data
   */
  public void startTls(TlsOptions tls) throws IOException {
    Objects.requireNonNull(tls, "tls");
    Tasks.current("Connection.startTls");
    loop.checkLoopThread("Connection.startTls");
    if (!(transport instanceof SocketTransport socket)) {
      throw new IllegalStateException(
          this
              + " cannot start TLS: it "
              + (transport instanceof TlsTransport ? "runs TLS already" : "is not a socket"));
    }
    if (writer.bufferSize() > 0) {
      throw new IllegalStateException(
          this
              + " cannot start TLS with "
              + writer.bufferSize()
              + " bytes still to write; drain() the writer first");
    }
    if (closed) {
      throw new IOException("connection " + this + " is closed");
    }
    TlsTransport tlsTransport = new TlsTransport(this, socket, tls, reader.takeBuffered());
    transport = tlsTransport;
    try {
      awaitIo(Tasks.shield(tlsTransport.begin()));
    } catch (java.util.concurrent.CancellationException e) {
      closeNow(null);
      throw e;
    }
  }

  /**
   * @return the TLS session once {@link #startTls} or a TLS open or server made one, else null
   */
  public javax.net.ssl.SSLSession tlsSession() {
    return transport instanceof TlsTransport t ? t.session() : null;
  }

  /**
   * @return the protocol ALPN chose (e.g. "h2"), or null when not TLS or none was chosen
   */
  public String applicationProtocol() {
    return transport instanceof TlsTransport t ? t.applicationProtocol() : null;
  }

  private static void configure(SocketChannel ch) throws IOException {
    ch.configureBlocking(false);
    if (ch.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true); // not on a Unix domain socket
    }
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
    if (!closed && transport instanceof TlsTransport tls) {
      tls.skipCloseNotify(); // at once: no close_notify, no flush of what was wrapped
    }
    closeNow(null);
  }

  /** Flushes what was written, then closes (same as {@code writer().close()}). Loop-only. */
  public void close() {
    writer.close();
  }

  EventLoop loop() {
    return loop;
  }

  Transport transport() {
    return transport;
  }

  /** The socket under this connection (TLS or not), or null for a pipe. */
  SocketChannel socketChannel() {
    if (transport instanceof SocketTransport s) {
      return s.channel;
    }
    return transport instanceof TlsTransport t ? t.channel() : null;
  }

  /** The transport has data: the reader takes it. */
  void readable() {
    reader.readable();
  }

  /** The transport takes more: the writer hands it what it buffered. */
  void writable() {
    if (!closed) {
      writer.writable();
    }
  }

  /** Closes the transport; wakes both sides, with {@code cause} when it is a failure. */
  void closeNow(IOException cause) {
    if (closed) {
      return;
    }
    closed = true;
    transport.close(cause);
    reader.connectionLost(cause);
    writer.connectionLost(cause);
  }

  boolean isClosed() {
    return closed;
  }

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      EventLoop.LOG.debug("closing {} failed", c, e);
    }
  }

  @Override
  public String toString() {
    return "Connection[" + label + (closed ? ", closed" : "") + "]";
  }
}
