package dev.baton.gil;

import dev.baton.core.Blocking;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channel;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * GIL-aware views of streams and byte channels: their blocking calls run inside a {@link Blocking}
 * section, so a GIL runtime thread releases its GIL while the call may block and holds it again
 * when the call returns or throws, as CPython's file and socket objects do.
 *
 * <h2>When the GIL is released</h2>
 *
 * <ul>
 *   <li>Every read, skip, write, flush and close is a GIL checkpoint on entry.
 *   <li>Reading a stream: when {@link InputStream#available()} reports bytes, the read takes at
 *       most that many without releasing the GIL (it cannot block); otherwise it runs in a blocking
 *       section. {@code skip} does the same.
 *   <li>Reading or writing a channel: a {@link SelectableChannel} in non-blocking mode, or an empty
 *       buffer, is served without releasing the GIL; otherwise the call runs in a blocking section.
 *   <li>Writing, flushing and closing always run in a blocking section: a full pipe or socket
 *       buffer, or a lingering close, can block, and no probe can tell beforehand. Wrap the raw
 *       stream and buffer above it ({@code new BufferedOutputStream(GilIO.wrap(raw))}) so that only
 *       whole buffers cross the GIL.
 *   <li>{@code available()} and {@code isOpen()} never block and never release.
 * </ul>
 *
 * <h2>Threading and interrupts</h2>
 *
 * <p>A view is as thread-safe as what it wraps, and adds no state of its own. Interrupts act as on
 * the wrapped object: an {@link java.nio.channels.InterruptibleChannel} is closed and throws {@link
 * java.nio.channels.ClosedByInterruptException}; most streams ignore interrupts. Exceptions pass
 * through unchanged.
 */
public final class GilIO {

  private GilIO() {}

  /**
   * @param in the stream to read
   * @return a view of {@code in} that releases the GIL while a read may block; {@code in} itself if
   *     it already is one
   * @throws NullPointerException if {@code in} is null
   */
  public static InputStream wrap(InputStream in) {
    Objects.requireNonNull(in, "in");
    return in instanceof GilInputStream ? in : new GilInputStream(in);
  }

  /**
   * @param out the stream to write
   * @return a view of {@code out} that releases the GIL around each write, flush and close; {@code
   *     out} itself if it already is one
   * @throws NullPointerException if {@code out} is null
   */
  public static OutputStream wrap(OutputStream out) {
    Objects.requireNonNull(out, "out");
    return out instanceof GilOutputStream ? out : new GilOutputStream(out);
  }

  /**
   * @param channel the channel to read
   * @return a view of {@code channel} that releases the GIL while a read may block
   * @throws NullPointerException if {@code channel} is null
   */
  public static ReadableByteChannel wrap(ReadableByteChannel channel) {
    Objects.requireNonNull(channel, "channel");
    return channel instanceof GilChannel ? channel : new GilChannel(channel, channel, null);
  }

  /**
   * @param channel the channel to write
   * @return a view of {@code channel} that releases the GIL while a write may block
   * @throws NullPointerException if {@code channel} is null
   */
  public static WritableByteChannel wrap(WritableByteChannel channel) {
    Objects.requireNonNull(channel, "channel");
    return channel instanceof GilChannel ? channel : new GilChannel(channel, null, channel);
  }

  /**
   * @param channel the channel to read and write
   * @return a view of {@code channel} that releases the GIL while a read or write may block
   * @throws NullPointerException if {@code channel} is null
   */
  public static ByteChannel wrap(ByteChannel channel) {
    Objects.requireNonNull(channel, "channel");
    return channel instanceof GilChannel gil && gil.source != null && gil.sink != null
        ? channel
        : new GilChannel(channel, channel, channel);
  }

  private static final class GilInputStream extends InputStream {
    private final InputStream in;

    GilInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      Waits.checkpoint();
      if (in.available() > 0) {
        return in.read();
      }
      return Blocking.call(in::read);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, buffer.length);
      if (length == 0) {
        return 0;
      }
      Waits.checkpoint();
      int available = in.available();
      if (available > 0) {
        return in.read(buffer, offset, Math.min(length, available));
      }
      return Blocking.call(() -> in.read(buffer, offset, length));
    }

    @Override
    public long skip(long n) throws IOException {
      Waits.checkpoint();
      int available = in.available();
      if (available > 0) {
        return in.skip(Math.min(n, available));
      }
      return Blocking.call(() -> in.skip(n));
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      Waits.checkpoint();
      Blocking.run(in::close);
    }

    @Override
    public boolean markSupported() {
      return in.markSupported();
    }

    @Override
    public void mark(int readLimit) {
      in.mark(readLimit);
    }

    @Override
    public void reset() throws IOException {
      in.reset();
    }

    @Override
    public String toString() {
      return "GilIO.wrap(" + in + ")";
    }
  }

  private static final class GilOutputStream extends OutputStream {
    private final OutputStream out;

    GilOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      Waits.checkpoint();
      Blocking.run(() -> out.write(b));
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      Objects.checkFromIndexSize(offset, length, buffer.length);
      Waits.checkpoint();
      Blocking.run(() -> out.write(buffer, offset, length));
    }

    @Override
    public void flush() throws IOException {
      Waits.checkpoint();
      Blocking.run(out::flush);
    }

    @Override
    public void close() throws IOException {
      Waits.checkpoint();
      Blocking.run(out::close);
    }

    @Override
    public String toString() {
      return "GilIO.wrap(" + out + ")";
    }
  }

  /** One view for the three channel shapes; a missing side throws as the JDK's channels do. */
  private static final class GilChannel implements ByteChannel {
    private final Channel channel;
    final ReadableByteChannel source;
    final WritableByteChannel sink;

    GilChannel(Channel channel, ReadableByteChannel source, WritableByteChannel sink) {
      this.channel = channel;
      this.source = source;
      this.sink = sink;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
      if (source == null) {
        throw new NonReadableChannelException();
      }
      Waits.checkpoint();
      if (!destination.hasRemaining() || neverBlocks()) {
        return source.read(destination);
      }
      return Blocking.call(() -> source.read(destination));
    }

    @Override
    public int write(ByteBuffer origin) throws IOException {
      if (sink == null) {
        throw new NonWritableChannelException();
      }
      Waits.checkpoint();
      if (!origin.hasRemaining() || neverBlocks()) {
        return sink.write(origin);
      }
      return Blocking.call(() -> sink.write(origin));
    }

    private boolean neverBlocks() {
      return channel instanceof SelectableChannel selectable && !selectable.isBlocking();
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      Waits.checkpoint();
      Blocking.run(channel::close);
    }

    @Override
    public String toString() {
      return "GilIO.wrap(" + channel + ")";
    }
  }
}
