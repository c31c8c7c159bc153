package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;

/**
 * A UDP socket on the loop's selector (asyncio's {@code create_datagram_endpoint}): {@link #bind}
 * one to receive from anyone, or {@link #connect} one to a peer; {@link #send}/{@link #sendTo} and
 * {@link #receive} as a queue of datagrams.
 *
 * <p>Errors belong to one datagram and surface at one call: a datagram the kernel refuses (larger
 * than the protocol allows: {@code Message too long}) fails that send; an ICMP port unreachable
 * that answers an earlier datagram of a connected endpoint is queued in arrival order and thrown by
 * the {@link #receive()} that reaches it, as {@link java.net.PortUnreachableException}; the
 * endpoint goes on working after either.
 *
 * <p>Backpressure: at most {@link #QUEUE_LIMIT} received datagrams wait unread; beyond, the
 * endpoint stops reading the socket and the kernel drops what does not fit its buffer, as UDP does.
 * A send that the kernel's buffer cannot take now suspends its task until it can.
 *
 * <p>Threading: loop-only; {@link #receive()} and the sends must be called from a task.
 */
public final class DatagramEndpoint {
  /** A received datagram. */
  public record Datagram(byte[] data, SocketAddress sender) {}

  /** Received datagrams (and per-datagram errors) waiting to be taken, at most. */
  public static final int QUEUE_LIMIT = 1024;

  private static final int MAX_DATAGRAM = 65_536;

  private final EventLoop loop;
  private final DatagramChannel channel;
  private final SelectionKey key;
  private final ByteBuffer receiveBuffer = ByteBuffer.allocate(MAX_DATAGRAM);

  /** Datagrams and IOExceptions, oldest first. Loop thread only (like every field below). */
  private final ArrayDeque<Object> received = new ArrayDeque<>();

  private Future<Void> receiver;
  private Future<Void> sendable;
  private boolean closed;

  private DatagramEndpoint(EventLoop loop, DatagramChannel channel) throws IOException {
    this.loop = loop;
    this.channel = channel;
    this.key = loop.register(channel, SelectionKey.OP_READ, this::ready);
  }

  /**
   * Binds {@code host}:{@code port} to receive from any peer (send with {@link #sendTo}).
   * Loop-only.
   *
   * @param host the address to bind, e.g. "127.0.0.1"
   * @param port the port, or 0 for any free one
   * @return the endpoint
   * @throws IOException if binding fails
   */
  public static DatagramEndpoint bind(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    return open(new InetSocketAddress(host, port), null);
  }

  /**
   * Binds an ephemeral port and connects to {@code host}:{@code port}: sends go there ({@link
   * #send}), only its datagrams are received, and an ICMP port unreachable reaches {@link
   * #receive()}. Loop-only.
   *
   * @param host the peer's IP literal or name (resolved on the loop's thread: use a literal)
   * @param port the peer's port
   * @return the endpoint
   * @throws IOException if the socket cannot be set up
   */
  public static DatagramEndpoint connect(String host, int port) throws IOException {
    Objects.requireNonNull(host, "host");
    return open(null, new InetSocketAddress(host, port));
  }

  /**
   * Opens an endpoint bound to {@code local} (null: any port) and connected to {@code remote}
   * (null: not connected). Loop-only.
   *
   * @param local where to bind, or null
   * @param remote the peer, or null
   * @return the endpoint
   * @throws IOException if the socket cannot be set up
   */
  public static DatagramEndpoint open(SocketAddress local, SocketAddress remote)
      throws IOException {
    EventLoop loop = EventLoop.currentOrNull();
    if (loop == null) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" opened a datagram endpoint outside any loop; open it from a task or callback");
    }
    loop.checkLoopThread("DatagramEndpoint.open");
    DatagramChannel ch = DatagramChannel.open();
    try {
      ch.configureBlocking(false);
      ch.bind(local);
      if (remote != null) {
        ch.connect(remote);
      }
      return new DatagramEndpoint(loop, ch);
    } catch (IOException | RuntimeException e) {
      Connection.closeQuietly(ch);
      throw e;
    }
  }

  /**
   * @return the bound address
   */
  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) channel.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException("endpoint is closed", e);
    }
  }

  /**
   * Sends one datagram to the connected peer.
   *
   * @param data the datagram (copied)
   * @throws IOException if the kernel refuses this datagram (too large; the peer's port unreachable
   *     as reported for an earlier one), or the endpoint is closed
   * @throws IllegalStateException if not connected
   */
  public void send(byte[] data) throws IOException {
    if (closed) {
      throw new IOException(this + " is closed");
    }
    if (!channel.isConnected()) {
      throw new IllegalStateException(this + " is not connected; use sendTo(data, address)");
    }
    sendTo(data, null);
  }

  /**
   * Sends one datagram to {@code target} (or to the connected peer when null), suspending only if
   * the kernel's buffer cannot take it now.
   *
   * @param data the datagram (copied)
   * @param target where to, or null for the connected peer
   * @throws IOException if the kernel refuses this datagram
   */
  public void sendTo(byte[] data, SocketAddress target) throws IOException {
    Objects.requireNonNull(data, "data");
    loop.checkLoopThread("DatagramEndpoint.send");
    while (true) {
      if (closed) {
        throw new IOException(this + " is closed");
      }
      ByteBuffer b = ByteBuffer.wrap(data);
      int n = target == null ? channel.write(b) : channel.send(b, target);
      if (n > 0 || data.length == 0) {
        return;
      }
      if (sendable == null || !sendable.pendingPlain()) {
        sendable = new Future<>(loop);
      }
      key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
      Connection.awaitIo(Tasks.shield(sendable));
    }
  }

  /**
   * Takes the next datagram, suspending until one arrives.
   *
   * @return the datagram and its sender
   * @throws java.net.PortUnreachableException if the next thing that arrived was an ICMP port
   *     unreachable for an earlier datagram (connected endpoints)
   * @throws IOException if the endpoint is closed
   */
  public Datagram receive() throws IOException {
    loop.checkLoopThread("DatagramEndpoint.receive");
    while (received.isEmpty()) {
      if (closed) {
        throw new IOException(this + " is closed");
      }
      if (receiver != null) {
        throw new BatonMisuseException(
            "thread \""
                + Thread.currentThread().getName()
                + "\" called receive on "
                + this
                + " while another task waits in receive; receive from one task only");
      }
      receiver = new Future<>(loop);
      try {
        Connection.awaitIo(receiver);
      } finally {
        receiver = null;
      }
    }
    Object next = received.poll();
    if (!closed && key.isValid() && (key.interestOps() & SelectionKey.OP_READ) == 0) {
      key.interestOps(key.interestOps() | SelectionKey.OP_READ);
    }
    if (next instanceof IOException e) {
      throw e;
    }
    return (Datagram) next;
  }

  /** Closes the socket; a waiting {@link #receive()} fails. Idempotent. Loop-only. */
  public void close() {
    loop.checkLoopThread("DatagramEndpoint.close");
    if (closed) {
      return;
    }
    closed = true;
    key.cancel();
    Connection.closeQuietly(channel);
    wake(receiver);
    wake(sendable);
  }

  private static void wake(Future<Void> f) {
    if (f != null && f.pendingPlain()) {
      f.setResult(null);
    }
  }

  private void ready(int ops) {
    if ((ops & SelectionKey.OP_WRITE) != 0) {
      key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
      wake(sendable);
    }
    if ((ops & SelectionKey.OP_READ) == 0) {
      return;
    }
    while (received.size() < QUEUE_LIMIT) {
      receiveBuffer.clear();
      SocketAddress from;
      try {
        from = channel.receive(receiveBuffer);
      } catch (java.net.PortUnreachableException e) {
        received.add(e); // an ICMP error for an earlier datagram: its own entry
        continue;
      } catch (IOException e) {
        received.add(e);
        break;
      }
      if (from == null) {
        break;
      }
      received.add(
          new Datagram(Arrays.copyOf(receiveBuffer.array(), receiveBuffer.position()), from));
    }
    if (received.size() >= QUEUE_LIMIT) {
      key.interestOps(key.interestOps() & ~SelectionKey.OP_READ);
    }
    wake(receiver);
  }

  @Override
  public String toString() {
    return "DatagramEndpoint[" + (closed ? "closed" : localAddress()) + "]";
  }
}
