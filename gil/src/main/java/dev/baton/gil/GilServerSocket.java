package dev.baton.gil;

import dev.baton.core.Blocking;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * A listening TCP socket whose {@link #accept()} waits with the GIL released, handing out {@link
 * GilSocket}s. Built on a blocking-mode {@link ServerSocketChannel}.
 *
 * <p>Threading contract: any thread may accept; {@link #accept()} is a GIL checkpoint and runs its
 * wait inside a {@link Blocking} section. A thread interrupted while accepting closes the server
 * and gets {@link java.nio.channels.ClosedByInterruptException}; {@link #close()} from another
 * thread makes a pending accept throw {@link java.nio.channels.AsynchronousCloseException}.
 */
public final class GilServerSocket implements Closeable {

  private final ServerSocketChannel channel;

  private GilServerSocket(ServerSocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Opens a server socket bound to {@code local}.
   *
   * @param local the address to listen on; port 0 picks a free port
   * @return the listening socket
   * @throws IOException if the address cannot be bound
   * @throws NullPointerException if {@code local} is null
   */
  public static GilServerSocket bind(SocketAddress local) throws IOException {
    Objects.requireNonNull(local, "local");
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.bind(local);
    } catch (IOException | RuntimeException failure) {
      GilSocket.closeAfter(channel, failure);
      throw failure;
    }
    return new GilServerSocket(channel);
  }

  /**
   * Waits, with the GIL released, for the next connection.
   *
   * @return the accepted connection
   * @throws IOException if the server is closed or the accept fails
   */
  public GilSocket accept() throws IOException {
    Waits.checkpoint();
    SocketChannel accepted = Blocking.call(channel::accept);
    return GilSocket.of(accepted);
  }

  /**
   * @return the bound address, with the port chosen when bound to port 0
   * @throws IOException if the server is closed
   */
  public InetSocketAddress localAddress() throws IOException {
    return (InetSocketAddress) channel.getLocalAddress();
  }

  /**
   * @return the underlying channel, for options; calls made on it directly do not release the GIL
   */
  public ServerSocketChannel channel() {
    return channel;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  @Override
  public String toString() {
    return "GilServerSocket[" + channel + "]";
  }
}
