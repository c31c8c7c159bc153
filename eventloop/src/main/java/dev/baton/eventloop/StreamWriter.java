package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * The writing side of a {@link Connection} (asyncio's {@code StreamWriter}). {@link #write} never
 * suspends: what the socket does not take at once is buffered and written when the socket is
 * writable. {@link #drain()} is the backpressure point: it suspends while more than the high-water
 * mark is buffered, until the buffer falls to the low-water mark.
 *
 * <p>Threading: loop-only; {@link #drain()} and {@link #waitClosed()} must be called from a task.
 */
public final class StreamWriter {
  /** Default high-water mark: 64 KiB. */
  public static final int DEFAULT_HIGH_WATER = 64 * 1024;

  /** Default low-water mark: 16 KiB. */
  public static final int DEFAULT_LOW_WATER = 16 * 1024;

  private final Connection connection;

  /** Unwritten data, oldest first. Loop thread only (like every field below). */
  private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();

  private long buffered;
  private int highWater = DEFAULT_HIGH_WATER;
  private int lowWater = DEFAULT_LOW_WATER;
  private Future<Void> drainWaiter;
  private final Future<Void> closed;
  private boolean closing;
  private boolean eofRequested;
  private boolean eofSent;
  private IOException failure;

  StreamWriter(Connection connection) {
    this.connection = connection;
    this.closed = new Future<>(connection.loop());
  }

  /**
   * Sets the water marks {@link #drain()} uses.
   *
   * @param high drain suspends while more than this many bytes are buffered
   * @param low it resumes once the buffer falls to this many; 0 &lt;= low &lt;= high
   */
  public void setWriteBufferLimits(int high, int low) {
    if (low < 0 || high < low) {
      throw new IllegalArgumentException("need 0 <= low <= high, got high=" + high + " low=" + low);
    }
    highWater = high;
    lowWater = low;
  }

  /**
   * @return bytes written but not yet taken by the socket
   */
  public long bufferSize() {
    return buffered;
  }

  /**
   * Writes {@code data} (copied), or buffers what the socket does not take now. Never suspends.
   *
   * @param data the bytes
   * @throws IOException if the connection failed earlier (reset, closed)
   * @throws BatonMisuseException after {@link #writeEof()} or {@link #close()}
   */
  public void write(byte[] data) throws IOException {
    Objects.requireNonNull(data, "data");
    connection.loop().checkLoopThread("StreamWriter.write");
    if (failure != null) {
      throw failure;
    }
    if (closing || eofRequested) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" wrote to "
              + connection
              + " after "
              + (closing ? "close()" : "writeEof()")
              + "; write everything before closing the writing side");
    }
    if (data.length == 0) {
      return;
    }
    ByteBuffer b = ByteBuffer.wrap(data);
    if (pending.isEmpty()) {
      try {
        connection.transport().write(b);
      } catch (IOException e) {
        connection.closeNow(e);
        throw e;
      }
      if (!b.hasRemaining()) {
        return;
      }
      b = ByteBuffer.wrap(data.clone(), b.position(), b.remaining());
      connection.transport().writeInterest(true);
    } else {
      b = ByteBuffer.wrap(data.clone());
    }
    pending.add(b);
    buffered += b.remaining();
  }

  /**
   * Suspends the current task while more than the high-water mark is buffered, until the buffer is
   * down to the low-water mark. Returns at once otherwise.
   *
   * @throws IOException if the connection fails (reset by the peer, closed)
   */
  public void drain() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (buffered <= highWater) {
      return;
    }
    if (drainWaiter == null || !drainWaiter.pendingPlain()) {
      drainWaiter = new Future<>(connection.loop());
    }
    Connection.awaitIo(Tasks.shield(drainWaiter));
  }

  /**
   * Half-closes: once buffered data is written, shuts the connection's output down, so the peer
   * reads the end of the stream; reading goes on.
   */
  public void writeEof() {
    connection.loop().checkLoopThread("StreamWriter.writeEof");
    eofRequested = true;
    if (pending.isEmpty()) {
      sendEof();
    }
  }

  /** Closes the connection once the buffered data is written (at once when none is). Idempotent. */
  public void close() {
    connection.loop().checkLoopThread("StreamWriter.close");
    if (closing) {
      return;
    }
    closing = true;
    if (pending.isEmpty()) {
      connection.closeNow(null);
    }
  }

  /**
   * @return whether {@link #close()} was called or the connection is gone
   */
  public boolean isClosing() {
    return closing || connection.isClosed();
  }

  /** Suspends the current task until the connection is closed. */
  public void waitClosed() {
    Tasks.await(Tasks.shield(closed));
  }

  /**
   * @return the connection this writes to
   */
  public Connection connection() {
    return connection;
  }

  void writable() {
    try {
      while (!pending.isEmpty()) {
        ByteBuffer b = pending.peek();
        int n = connection.transport().write(b);
        buffered -= n;
        if (b.hasRemaining()) {
          break;
        }
        pending.poll();
      }
    } catch (IOException e) {
      connection.closeNow(e);
      return;
    }
    if (buffered <= lowWater && drainWaiter != null && drainWaiter.pendingPlain()) {
      drainWaiter.setResult(null);
    }
    if (pending.isEmpty()) {
      connection.transport().writeInterest(false);
      if (closing) {
        connection.closeNow(null);
      } else if (eofRequested) {
        sendEof();
      }
    }
  }

  private void sendEof() {
    if (eofSent || connection.isClosed()) {
      return;
    }
    eofSent = true;
    try {
      connection.transport().shutdownOutput();
    } catch (IOException e) {
      connection.closeNow(e);
    }
  }

  void connectionLost(IOException cause) {
    if (cause != null && failure == null) {
      failure = cause;
    } else if (failure == null) {
      failure = new IOException("connection " + connection + " is closed");
    }
    pending.clear();
    buffered = 0;
    if (drainWaiter != null && drainWaiter.pendingPlain()) {
      drainWaiter.setException(failure);
    }
    if (closed.pendingPlain()) {
      closed.setResult(null);
    }
  }
}
