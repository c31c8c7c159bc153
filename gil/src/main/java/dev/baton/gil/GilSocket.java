package dev.baton.gil;

import dev.baton.core.Blocking;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;

/**
 * A connected TCP socket whose blocking calls release the GIL: Python's {@code socket} as a thread
 * of a GIL runtime sees it. Built on a blocking-mode {@link SocketChannel}; reads and writes go
 * through {@link GilIO}'s views.
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Connecting, reading, writing and closing are GIL checkpoints on entry. {@link #connect},
 *       {@link #read}, {@link #write} and the streams' blocking calls run inside a {@link Blocking}
 *       section (see {@link GilIO} for the stream fast path); the GIL is held again when they
 *       return or throw.
 *   <li>One reader and one writer may work at once, as the JDK's {@link SocketChannel} allows.
 *   <li>Interrupts: a thread interrupted while blocked in a channel call closes the socket and gets
 *       {@link java.nio.channels.ClosedByInterruptException}, as with any {@link SocketChannel}.
 * </ul>
 *
 * <pre>{@code
 * try (GilSocket socket = GilSocket.connect(server.localAddress(), Duration.ofSeconds(5))) {
 *   socket.write(ByteBuffer.wrap("ping".getBytes(US_ASCII)));  // the GIL is released while it sends
 *   ByteBuffer reply = ByteBuffer.allocate(4);
 *   socket.read(reply);                                       // ... and while it waits for the reply
 * }
 * }</pre>
 */
public final class GilSocket implements ByteChannel {

  private final SocketChannel channel;
  private final ByteChannel io;

  private GilSocket(SocketChannel channel) {
    this.channel = channel;
    this.io = GilIO.wrap((ByteChannel) channel);
  }

  /**
   * Connects to {@code remote}, waiting with the GIL released for as long as the system allows.
   *
   * @param remote the address to connect to
   * @return the connected socket
   * @throws IOException if the connection fails
   * @throws NullPointerException if {@code remote} is null
   */
  public static GilSocket connect(SocketAddress remote) throws IOException {
    Objects.requireNonNull(remote, "remote");
    Waits.checkpoint();
    SocketChannel channel = SocketChannel.open();
    try {
      Blocking.call(() -> channel.connect(remote));
    } catch (IOException | RuntimeException failure) {
      closeAfter(channel, failure);
      throw failure;
    }
    return new GilSocket(channel);
  }

  /**
   * Connects to {@code remote}, waiting with the GIL released at most {@code timeout}.
   *
   * @param remote the address to connect to
   * @param timeout how long to wait at most; positive (rounded up to whole milliseconds)
   * @return the connected socket
   * @throws SocketTimeoutException if the timeout passed first
   * @throws IOException if the connection fails
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   * @throws NullPointerException if an argument is null
   */
  public static GilSocket connect(SocketAddress remote, Duration timeout) throws IOException {
    Objects.requireNonNull(remote, "remote");
    long nanos = Waits.timeoutNanos(timeout);
    if (nanos == 0) {
      throw new IllegalArgumentException(
          "timeout must be positive, was "
              + timeout
              + " (use connect(remote) to wait without one)");
    }
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(nanos, 1_000_000L));
    Waits.checkpoint();
    SocketChannel channel = SocketChannel.open();
    try {
      Blocking.run(() -> channel.socket().connect(remote, millis));
    } catch (IOException | RuntimeException failure) {
      closeAfter(channel, failure);
      throw failure;
    }
    return new GilSocket(channel);
  }

  /**
   * Wraps a channel the caller opened, e.g. one accepted elsewhere.
   *
   * @param channel a socket channel in blocking mode
   * @return the socket; closing it closes {@code channel}
   * @throws IllegalArgumentException if {@code channel} is in non-blocking mode
   * @throws NullPointerException if {@code channel} is null
   */
  public static GilSocket of(SocketChannel channel) {
    Objects.requireNonNull(channel, "channel");
    if (!channel.isBlocking()) {
      throw new IllegalArgumentException(
          "channel must be in blocking mode (a GilSocket waits with the GIL released instead of"
              + " polling); it was non-blocking: "
              + channel);
    }
    return new GilSocket(channel);
  }

  /**
   * Reads what has arrived, waiting with the GIL released while nothing has.
   *
   * @param destination where to put the bytes
   * @return the number of bytes read, or -1 at end of stream
   * @throws IOException as {@link SocketChannel#read(ByteBuffer)}
   */
  @Override
  public int read(ByteBuffer destination) throws IOException {
    return io.read(destination);
  }

  /**
   * Writes every remaining byte of {@code origin} (a blocking socket channel writes them all), with
   * the GIL released while it may block.
   *
   * @param origin the bytes to send
   * @return the number of bytes written
   * @throws IOException as {@link SocketChannel#write(ByteBuffer)}
   */
  @Override
  public int write(ByteBuffer origin) throws IOException {
    return io.write(origin);
  }

  /**
   * @return a stream view of the socket, GIL-aware as {@link GilIO#wrap(InputStream)}; closing it
   *     closes the socket
   * @throws IOException if the socket is closed or not connected
   */
  public InputStream inputStream() throws IOException {
    return GilIO.wrap(channel.socket().getInputStream());
  }

  /**
   * @return a stream view of the socket, GIL-aware as {@link GilIO#wrap(OutputStream)}; closing it
   *     closes the socket
   * @throws IOException if the socket is closed or not connected
   */
  public OutputStream outputStream() throws IOException {
    return GilIO.wrap(channel.socket().getOutputStream());
  }

  /**
   * Shuts down the sending side: the peer reads end of stream.
   *
   * @throws IOException as {@link SocketChannel#shutdownOutput()}
   */
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  /**
   * @return the remote address, or null if not connected
   * @throws IOException if the socket is closed
   */
  public SocketAddress remoteAddress() throws IOException {
    return channel.getRemoteAddress();
  }

  /**
   * @return the local address
   * @throws IOException if the socket is closed
   */
  public SocketAddress localAddress() throws IOException {
    return channel.getLocalAddress();
  }

  /**
   * @return the underlying channel, for options; calls made on it directly do not release the GIL
   */
  public SocketChannel channel() {
    return channel;
  }

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close() throws IOException {
    io.close();
  }

  @Override
  public String toString() {
    return "GilSocket[" + channel + "]";
  }

  static void closeAfter(Closeable resource, Exception failure) {
    try {
      resource.close();
    } catch (IOException closeFailure) {
      failure.addSuppressed(closeFailure);
    }
  }
}
