package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.Channels;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GilIOTest {

  private final RecordingHandler handler = new RecordingHandler();

  /** Holds 5 bytes but reports one available, as a socket with one byte in its buffer would. */
  private static final class OneAvailable extends ByteArrayInputStream {
    OneAvailable() {
      super("abcde".getBytes(US_ASCII));
    }

    @Override
    public synchronized int available() {
      return Math.min(1, super.available());
    }
  }

  @Test
  void readOfAvailableBytesTakesOnlyThoseAndKeepsTheGil() throws Exception {
    InputStream in = GilIO.wrap(new OneAvailable());
    byte[] buffer = new byte[5];
    int read = result(handler.start("reader", () -> in.read(buffer, 0, 5)));
    assertThat(read).as("never more than available, so the read cannot block").isEqualTo(1);
    assertThat(buffer[0]).isEqualTo((byte) 'a');
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void readWithNothingAvailableReleasesTheGilUntilDataComes() throws Exception {
    PipedOutputStream writer = new PipedOutputStream();
    InputStream in = GilIO.wrap(new PipedInputStream(writer));
    CompletableFuture<Integer> reader = handler.start("reader", in::read);
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(reader).isNotDone();
    writer.write('x');
    writer.flush();
    assertThat(result(reader)).isEqualTo((int) 'x');
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void bulkReadsAndSkipsGoThroughTheView() throws Exception {
    InputStream in = GilIO.wrap(new ByteArrayInputStream("hello world".getBytes(US_ASCII)));
    String text =
        result(
            handler.start(
                "reader",
                () -> {
                  assertThat(in.skip(6)).isEqualTo(6);
                  return new String(in.readAllBytes(), US_ASCII);
                }));
    assertThat(text).isEqualTo("world");
    assertThat(handler.enters)
        .as("only the read at end of stream (nothing available) may release")
        .hasValueLessThanOrEqualTo(2);
  }

  @Test
  void exceptionsPassThroughAndTheSectionIsLeft() throws Exception {
    PipedInputStream unconnected = new PipedInputStream();
    InputStream in = GilIO.wrap(unconnected);
    CompletableFuture<Integer> reader = handler.start("reader", in::read);
    assertThatThrownBy(() -> result(reader)).cause().isInstanceOf(IOException.class);
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void writesFlushesAndClosesReleaseTheGil() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream out = GilIO.wrap(sink);
    result(
        handler.start(
            "writer",
            () -> {
              out.write('a');
              out.write("bcd".getBytes(US_ASCII), 1, 2);
              out.flush();
              out.close();
              return null;
            }));
    assertThat(sink.toString(US_ASCII)).isEqualTo("acd");
    assertThat(handler.enters).hasValue(4);
    assertThat(handler.exits).hasValue(4);
  }

  @Test
  void channelReadWaitsWithTheGilReleasedUntilTheWriterWrites() throws Exception {
    Pipe pipe = Pipe.open();
    ReadableByteChannel source = GilIO.wrap(pipe.source());
    WritableByteChannel sink = GilIO.wrap(pipe.sink());
    ByteBuffer destination = ByteBuffer.allocate(4);
    CompletableFuture<Integer> reader = handler.start("reader", () -> source.read(destination));
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(reader).isNotDone();
    assertThat(sink.write(ByteBuffer.wrap("ping".getBytes(US_ASCII)))).isEqualTo(4);
    assertThat(result(reader)).isPositive();
    assertThat(handler.exits).hasValue(1);
    source.close();
    sink.close();
    assertThat(source.isOpen()).isFalse();
  }

  @Test
  void nonBlockingChannelsAndEmptyBuffersKeepTheGil() throws Exception {
    Pipe pipe = Pipe.open();
    pipe.source().configureBlocking(false);
    ReadableByteChannel source = GilIO.wrap(pipe.source());
    int[] reads =
        result(
            handler.start(
                "reader",
                () ->
                    new int[] {
                      source.read(ByteBuffer.allocate(4)),
                      GilIO.wrap(pipe.sink()).write(ByteBuffer.allocate(0))
                    }));
    assertThat(reads).containsExactly(0, 0);
    assertThat(handler.enters).hasValue(0);
    pipe.source().close();
    pipe.sink().close();
  }

  @Test
  void aOneSidedViewRefusesTheOtherSide() throws Exception {
    Pipe pipe = Pipe.open();
    ReadableByteChannel source = GilIO.wrap(pipe.source());
    WritableByteChannel sink = GilIO.wrap(pipe.sink());
    assertThatThrownBy(() -> ((ByteChannel) source).write(ByteBuffer.allocate(1)))
        .isInstanceOf(NonWritableChannelException.class);
    assertThatThrownBy(() -> ((ByteChannel) sink).read(ByteBuffer.allocate(1)))
        .isInstanceOf(NonReadableChannelException.class);
    pipe.source().close();
    pipe.sink().close();
  }

  @Test
  void wrappingTwiceGivesTheSameView() throws Exception {
    InputStream in = GilIO.wrap(new ByteArrayInputStream(new byte[1]));
    OutputStream out = GilIO.wrap(new ByteArrayOutputStream());
    ReadableByteChannel channel =
        GilIO.wrap(Channels.newChannel(new ByteArrayInputStream(new byte[1])));
    assertThat(GilIO.wrap(in)).isSameAs(in);
    assertThat(GilIO.wrap(out)).isSameAs(out);
    assertThat(GilIO.wrap(channel)).isSameAs(channel);
  }

  @Test
  void rejectsBadArguments() throws Exception {
    assertThatThrownBy(() -> GilIO.wrap((InputStream) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("in");
    assertThatThrownBy(() -> GilIO.wrap((OutputStream) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> GilIO.wrap((ByteChannel) null))
        .isInstanceOf(NullPointerException.class);
    InputStream in = GilIO.wrap(new ByteArrayInputStream(new byte[4]));
    assertThatThrownBy(() -> in.read(new byte[2], 1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(in.read(new byte[2], 0, 0)).isZero();
    OutputStream out = GilIO.wrap(new ByteArrayOutputStream());
    assertThatThrownBy(() -> out.write(new byte[2], -1, 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
