package dev.baton.eventloop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A TCP server on the loop's selector (asyncio's {@code start_server}): each accepted connection
 * runs the handler in a task of its own; the connection is closed when the handler returns.
 *
 * <p>Threading: loop-only.
 */
public final class Server implements IoHandler {

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

  private final EventLoop loop;
  private final ServerSocketChannel channel;
  private final SelectionKey key;
  private final Handler handler;
  private final InetSocketAddress address;

  /** Handler tasks still running. Loop thread only. */
  private final Set<Task<Void>> active = new LinkedHashSet<>();

  private Future<Void> allDone;
  private long accepted;

  private Server(EventLoop loop, ServerSocketChannel channel, Handler handler) throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.handler = handler;
    this.address = (InetSocketAddress) channel.getLocalAddress();
    this.key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
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
      throw new AwaitOutsideTaskException(
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
   * @return the bound port
   */
  public int port() {
    return address.getPort();
  }

  /**
   * @return the bound address
   */
  public InetSocketAddress address() {
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
    key.cancel();
    Connection.closeQuietly(channel);
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

  @Override
  public void ready(int readyOps) {
    while (true) {
      SocketChannel ch;
      try {
        ch = channel.accept();
      } catch (IOException e) {
        EventLoop.LOG.warn("accept failed on server {}", address, e);
        return;
      }
      if (ch == null) {
        return;
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
                } catch (CancelledException e) {
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

  private void signalIfIdle() {
    if (!channel.isOpen() && active.isEmpty() && allDone != null && allDone.pendingPlain()) {
      allDone.setResult(null);
    }
  }

  @Override
  public String toString() {
    return "Server[" + address + "]";
  }
}
