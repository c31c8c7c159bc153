package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * The reading side of a {@link Connection} (asyncio's {@code StreamReader}). Bytes arrive in a
 * buffer; reading stops (the transport's read interest is dropped) while more than twice the {@link
 * #limit()} waits unread, and resumes when a read brings it back under the limit.
 *
 * <p>Threading: loop-only; every reading method must be called from a task. One task reads at a
 * time: a second concurrent reader gets an {@link BatonMisuseException}.
 */
public final class StreamReader {
  /** Default limit for {@link #readUntil} and for the read buffer's pause threshold: 64 KiB. */
  public static final int DEFAULT_LIMIT = 64 * 1024;

  private final Connection connection;
  private final ByteBuffer socketBuffer = ByteBuffer.allocate(16 * 1024);

  /** Unread bytes are buf[start, end). Loop thread only (like every field below). */
  private byte[] buf = new byte[1024];

  private int start;
  private int end;
  private boolean eof;
  private IOException failure;
  private boolean paused;
  private Future<Void> waiter;
  private int limit = DEFAULT_LIMIT;

  StreamReader(Connection connection) {
    this.connection = connection;
    connection.transport().readInterest(true);
  }

  /**
   * @return the separator search limit and half the pause threshold, in bytes
   */
  public int limit() {
    return limit;
  }

  /**
   * @param limit the separator search limit and half the pause threshold, in bytes, positive
   */
  public void setLimit(int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, got " + limit);
    }
    this.limit = limit;
  }

  /**
   * Reads up to {@code n} bytes, suspending until at least one is there (asyncio's {@code
   * read(n)}); with {@code n == -1}, reads until the end of the stream.
   *
   * @param n the most bytes to return, or -1 for all until the end
   * @return the bytes; empty only at the end of the stream
   * @throws IOException if the connection failed (reset, closed by us)
   */
  public byte[] read(int n) throws IOException {
    if (n < -1) {
      throw new IllegalArgumentException("n must be -1 (all) or zero or more, got " + n);
    }
    if (n == 0) {
      return new byte[0];
    }
    if (n == -1) {
      while (!eof) {
        waitForData();
      }
      return take(end - start);
    }
    if (start == end) {
      waitForData();
    }
    return take(Math.min(n, end - start));
  }

  /**
   * Reads exactly {@code n} bytes.
   *
   * @param n how many, zero or more
   * @return the bytes
   * @throws IncompleteReadException if the stream ends first (with the bytes read so far)
   * @throws IOException if the connection failed
   */
  public byte[] readExactly(int n) throws IOException {
    if (n < 0) {
      throw new IllegalArgumentException("n must be zero or more, got " + n);
    }
    while (end - start < n) {
      if (eof) {
        throw new IncompleteReadException(take(end - start), n);
      }
      waitForData();
    }
    return take(n);
  }

  /**
   * Reads up to and including {@code separator}.
   *
   * @param separator the bytes that end the chunk, not empty
   * @return the chunk, separator included
   * @throws IncompleteReadException if the stream ends first (with the bytes read so far)
   * @throws LimitOverrunException if {@link #limit()} bytes pass without the separator (the data
   *     stays in the buffer)
   * @throws IOException if the connection failed
   */
  public byte[] readUntil(byte[] separator) throws IOException {
    Objects.requireNonNull(separator, "separator");
    if (separator.length == 0) {
      throw new IllegalArgumentException("separator must not be empty");
    }
    int searched = start;
    while (true) {
      int at = indexOf(separator, Math.max(start, searched - separator.length + 1));
      if (at >= 0) {
        return take(at + separator.length - start);
      }
      searched = end;
      if (end - start > limit) {
        throw new LimitOverrunException(
            "separator not found within the limit of " + limit + " bytes", end - start);
      }
      if (eof) {
        throw new IncompleteReadException(take(end - start), -1);
      }
      waitForData();
    }
  }

  /**
   * Reads a line, up to and including {@code \n}; at the end of the stream, what is left (asyncio's
   * {@code readline}).
   *
   * @return the line with its terminator, a partial line at the end, or empty at the end
   * @throws LimitOverrunException if a line is longer than {@link #limit()}
   * @throws IOException if the connection failed
   */
  public byte[] readLine() throws IOException {
    try {
      return readUntil(new byte[] {'\n'});
    } catch (IncompleteReadException e) {
      return e.partial();
    }
  }

  /**
   * @return whether the stream ended and every byte was read
   */
  public boolean atEof() {
    return eof && start == end;
  }

  private void waitForData() throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (eof) {
      return;
    }
    if (waiter != null) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" read from "
              + connection
              + " while another task waits to read from it; read from one task only, and hand"
              + " the data to the others (an AsyncQueue does)");
    }
    if (paused) {
      paused = false;
      connection.transport().readInterest(true);
    }
    waiter = new Future<>(connection.loop());
    try {
      Connection.awaitIo(waiter);
    } finally {
      waiter = null;
    }
  }

  private byte[] take(int n) {
    byte[] out = Arrays.copyOfRange(buf, start, start + n);
    start += n;
    if (start == end) {
      start = 0;
      end = 0;
    }
    if (paused && end - start <= limit) {
      paused = false;
      connection.transport().readInterest(true);
    }
    return out;
  }

  private int indexOf(byte[] sep, int from) {
    outer:
    for (int i = from; i <= end - sep.length; i++) {
      for (int j = 0; j < sep.length; j++) {
        if (buf[i + j] != sep[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** The channel is readable: read what is there, wake the waiting task. */
  void readable() {
    int n;
    try {
      socketBuffer.clear();
      n = connection.transport().read(socketBuffer);
    } catch (IOException e) {
      connection.closeNow(e);
      return;
    }
    if (n < 0) {
      eof = true;
      connection.transport().readInterest(false);
    } else if (n > 0) {
      append(socketBuffer.array(), n);
      if (end - start > 2 * limit) {
        paused = true;
        connection.transport().readInterest(false);
      }
    } else {
      return; // nothing yet (a TLS record that carried no data): a wake-up would look like the end
    }
    wake(null);
  }

  /**
   * Takes the unread bytes out, for a transport that takes over the connection (a TLS handshake
   * that the peer began right after the plaintext it sent).
   */
  byte[] takeBuffered() {
    byte[] out = Arrays.copyOfRange(buf, start, end);
    start = 0;
    end = 0;
    if (paused) {
      paused = false;
      connection.transport().readInterest(true);
    }
    return out;
  }

  private void append(byte[] src, int n) {
    if (end + n > buf.length) {
      int live = end - start;
      if (live + n <= buf.length / 2) {
        System.arraycopy(buf, start, buf, 0, live);
      } else {
        byte[] bigger = new byte[Math.max(buf.length * 2, live + n)];
        System.arraycopy(buf, start, bigger, 0, live);
        buf = bigger;
      }
      start = 0;
      end = live;
    }
    System.arraycopy(src, 0, buf, end, n);
    end += n;
  }

  void connectionLost(IOException cause) {
    if (cause != null) {
      failure = cause;
    } else {
      eof = true;
    }
    wake(cause);
  }

  private void wake(IOException error) {
    Future<Void> w = waiter;
    if (w != null && w.pendingPlain()) {
      if (error != null) {
        w.setException(error);
      } else {
        w.setResult(null);
      }
    }
  }
}
