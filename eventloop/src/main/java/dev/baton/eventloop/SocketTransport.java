package dev.baton.eventloop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A socket channel (TCP or Unix domain) on the loop's selector: reads and writes go straight to the
 * channel, interest goes to the selection key. Also completes a pending connect.
 */
final class SocketTransport implements Transport, ReadinessHandler {
  private final Connection connection;
  final SocketChannel channel;
  final SelectionKey key;

  /** Pending connect, completed by the selector. Loop thread only. */
  Future<Void> connecting;

  SocketTransport(Connection connection, SocketChannel channel, boolean connected)
      throws IOException {
    this.connection = connection;
    this.channel = channel;
    this.key =
        connection
            .loop()
            .register(channel, connected ? 0 : SelectionKey.OP_CONNECT, (ReadinessHandler) this);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    return channel.read(dst);
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    return channel.write(src);
  }

  @Override
  public void shutdownOutput() throws IOException {
    channel.shutdownOutput();
  }

  @Override
  public void readInterest(boolean on) {
    interest(SelectionKey.OP_READ, on);
  }

  @Override
  public void writeInterest(boolean on) {
    interest(SelectionKey.OP_WRITE, on);
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

  @Override
  public boolean isOpen() {
    return channel.isOpen();
  }

  @Override
  public void close(IOException cause) {
    key.cancel();
    Connection.closeQuietly(channel);
    if (connecting != null && connecting.pendingPlain()) {
      connecting.setException(cause != null ? cause : new IOException("connection closed"));
    }
  }

  @Override
  public void ready(int ops) {
    if ((ops & SelectionKey.OP_CONNECT) != 0) {
      try {
        channel.finishConnect();
        interest(SelectionKey.OP_CONNECT, false);
        if (connecting.pendingPlain()) {
          connecting.setResult(null);
        }
      } catch (IOException e) {
        connection.closeNow(e);
        return;
      }
    }
    if ((ops & SelectionKey.OP_READ) != 0) {
      connection.readable();
    }
    if ((ops & SelectionKey.OP_WRITE) != 0 && channel.isOpen()) {
      connection.writable();
    }
  }

  @Override
  public String toString() {
    return connection.toString();
  }
}
