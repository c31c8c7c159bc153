package dev.baton.eventloop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * One pipe of a child process as a transport. The JDK gives a child's pipes as blocking streams
 * (there is no selectable channel for them), so each pipe has a daemon platform thread of its own
 * that does the blocking call and hands the result to the loop with {@code callSoonThreadSafe}; the
 * loop never blocks on a pipe.
 *
 * <p>{@link Reading} (stdout, stderr): the thread reads a chunk (up to 64 KiB) and posts it. It
 * holds a credit per chunk in flight, {@link #CHUNKS_IN_FLIGHT} credits in all, given back when the
 * reader has taken the chunk: a reader that stops reading stops the thread after that many chunks,
 * the pipe fills and the child blocks on its next write (backpressure, as the kernel gives it).
 *
 * <p>{@link Writing} (stdin): {@link #write} hands copies of the writer's bytes to the thread, at
 * most {@link #BYTES_IN_FLIGHT} not yet written to the pipe; beyond that it takes nothing and the
 * writer's {@code drain()} waits. The thread reports each chunk written back to the loop. A broken
 * pipe (the child closed its stdin or exited) fails the writer with the {@link IOException}.
 *
 * <p>Closing: a reading pipe's thread closes its stream when it sees the close (at once if it waits
 * for a credit; otherwise after its current read returns, i.e. when the child writes or exits); a
 * writing pipe's thread closes its stream after the chunks queued before the close. Neither thread
 * keeps the JVM alive; killing the child ends both.
 */
abstract class PipeTransport implements Transport {
  static final int CHUNKS_IN_FLIGHT = 4;
  static final int BYTES_IN_FLIGHT = 64 * 1024;
  private static final int CHUNK = 64 * 1024;

  final EventLoop loop;
  Connection connection;
  boolean closed;

  PipeTransport(EventLoop loop) {
    this.loop = loop;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  /** Runs {@code r} on the loop; false if the loop is closed. Any thread. */
  boolean post(Runnable r) {
    try {
      loop.callSoonThreadSafe(r);
      return true;
    } catch (RejectedExecutionException loopClosed) {
      return false;
    }
  }

  /** A child's stdout or stderr. */
  static final class Reading extends PipeTransport {
    private final InputStream in;
    private final Semaphore credits = new Semaphore(CHUNKS_IN_FLIGHT);

    // Loop thread only.
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private int headOffset;
    private boolean eof;
    private boolean readWanted = true;
    private boolean deliverScheduled;

    /** Set by close on the loop, read by the pipe's thread. */
    private volatile boolean closing;

    Reading(EventLoop loop, InputStream in, String threadName) {
      super(loop);
      this.in = in;
      Thread.ofPlatform().daemon().name(threadName).start(this::pump);
    }

    /** The pipe's thread. */
    private void pump() {
      try {
        while (true) {
          credits.acquire();
          if (closing) {
            return;
          }
          byte[] buf = new byte[CHUNK];
          int n = in.read(buf);
          if (n < 0) {
            post(this::ended);
            return;
          }
          byte[] chunk = n == buf.length ? buf : java.util.Arrays.copyOf(buf, n);
          if (!post(() -> arrived(chunk))) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        if (!closing) {
          post(() -> failed(e));
        }
      } finally {
        try {
          in.close();
        } catch (IOException ignored) {
          // the pipe is done either way
        }
      }
    }

    private void arrived(byte[] chunk) {
      if (closed) {
        return;
      }
      chunks.add(chunk);
      deliver();
    }

    private void ended() {
      eof = true;
      deliver();
    }

    private void failed(IOException e) {
      if (connection != null) {
        connection.closeNow(e);
      }
    }

    private void deliver() {
      while (readWanted && !closed && !connection.isClosed() && (!chunks.isEmpty() || eof)) {
        boolean endOnly = chunks.isEmpty();
        connection.readable(); // the reader takes up to 16 KiB, or the end, and may pause
        if (endOnly) {
          return;
        }
      }
    }

    @Override
    public int read(ByteBuffer dst) {
      byte[] head = chunks.peek();
      if (head == null) {
        return eof ? -1 : 0;
      }
      int n = Math.min(dst.remaining(), head.length - headOffset);
      dst.put(head, headOffset, n);
      headOffset += n;
      if (headOffset == head.length) {
        chunks.poll();
        headOffset = 0;
        credits.release();
      }
      return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      throw new IOException("cannot write to " + connection + ": it is the reading end of a pipe");
    }

    @Override
    public void shutdownOutput() {
      // nothing to shut: this end only reads
    }

    @Override
    public void readInterest(boolean on) {
      readWanted = on;
      if (on && !deliverScheduled && (!chunks.isEmpty() || eof)) {
        deliverScheduled = true;
        loop.callSoon(
            () -> {
              deliverScheduled = false;
              deliver();
            });
      }
    }

    @Override
    public void writeInterest(boolean on) {
      // never written
    }

    @Override
    public void close(IOException cause) {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
      chunks.clear();
      credits.release(CHUNKS_IN_FLIGHT + 1); // a thread waiting for a credit wakes, sees closing
    }
  }

  /** A child's stdin. */
  static final class Writing extends PipeTransport {
    private static final byte[] END = new byte[0];

    private final OutputStream out;
    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();

    // Loop thread only.
    private int inFlight;
    private boolean writeWanted;
    private boolean ended;

    Writing(EventLoop loop, OutputStream out, String threadName) {
      super(loop);
      this.out = out;
      Thread.ofPlatform().daemon().name(threadName).start(this::pump);
    }

    /** The pipe's thread. */
    private void pump() {
      try {
        while (true) {
          byte[] chunk = queue.take();
          if (chunk == END) {
            return;
          }
          out.write(chunk);
          out.flush();
          if (!post(() -> written(chunk.length))) {
            return;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        post(() -> failed(e));
      } finally {
        try {
          out.close();
        } catch (IOException ignored) {
          // a broken pipe is reported above
        }
      }
    }

    private void written(int n) {
      inFlight -= n;
      if (writeWanted && !closed) {
        connection.writable();
      }
    }

    private void failed(IOException e) {
      if (!closed) {
        connection.closeNow(e);
      }
    }

    @Override
    public int read(ByteBuffer dst) {
      return -1;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (closed || ended) {
        throw new IOException(connection + " is closed");
      }
      int n = Math.min(src.remaining(), BYTES_IN_FLIGHT - inFlight);
      if (n <= 0) {
        return 0;
      }
      byte[] chunk = new byte[n];
      src.get(chunk);
      inFlight += n;
      queue.add(chunk);
      return n;
    }

    @Override
    public void shutdownOutput() {
      end();
    }

    private void end() {
      if (!ended) {
        ended = true;
        queue.add(END);
      }
    }

    @Override
    public void readInterest(boolean on) {
      // a reader of this connection finds the end at once
    }

    @Override
    public void writeInterest(boolean on) {
      writeWanted = on;
    }

    @Override
    public void close(IOException cause) {
      if (closed) {
        return;
      }
      closed = true;
      end();
    }
  }
}
