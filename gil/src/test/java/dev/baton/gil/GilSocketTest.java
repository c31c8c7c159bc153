package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GilSocketTest {

  private final RecordingHandler handler = new RecordingHandler();
  private GilServerSocket server;

  @BeforeEach
  void listen() throws IOException {
    server = GilServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  @Test
  void echoRoundTripReleasesTheGilWhileWaitingForTheReply() throws Exception {
    CompletableFuture<Void> echo =
        CompletableFuture.runAsync(
            () -> {
              try (GilSocket peer = server.accept()) {
                ByteBuffer buffer = ByteBuffer.allocate(4);
                while (buffer.hasRemaining() && peer.read(buffer) >= 0) {}
                buffer.flip();
                peer.write(buffer);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    String reply =
        result(
            handler.start(
                "client",
                () -> {
                  try (GilSocket socket =
                      GilSocket.connect(server.localAddress(), Duration.ofSeconds(20))) {
                    socket.write(ByteBuffer.wrap("ping".getBytes(US_ASCII)));
                    ByteBuffer buffer = ByteBuffer.allocate(4);
                    while (buffer.hasRemaining() && socket.read(buffer) >= 0) {}
                    return new String(buffer.array(), US_ASCII);
                  }
                }));
    result(echo);
    assertThat(reply).isEqualTo("ping");
    assertThat(handler.enters.get()).as("connect, write, read and close").isGreaterThanOrEqualTo(3);
    assertThat(handler.exits.get()).isEqualTo(handler.enters.get());
  }

  @Test
  void aReadWithNothingArrivedWaitsWithTheGilReleased() throws Exception {
    try (GilSocket client = GilSocket.connect(server.localAddress());
        GilSocket peer = server.accept()) {
      CompletableFuture<Integer> reader =
          handler.start("reader", () -> peer.read(ByteBuffer.allocate(8)));
      assertThat(handler.awaitEntered()).isTrue();
      assertThat(reader).isNotDone();
      client.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(result(reader)).isPositive();
      assertThat(handler.exits).hasValue(1);
      client.shutdownOutput();
      ByteBuffer rest = ByteBuffer.allocate(8);
      int read;
      while ((read = peer.read(rest)) > 0) {}
      assertThat(read).as("end of stream after shutdownOutput").isEqualTo(-1);
      assertThat(peer.remoteAddress()).isEqualTo(client.localAddress());
    }
  }

  @Test
  void streamViewsCarryBytesBothWays() throws Exception {
    try (GilSocket client = GilSocket.connect(server.localAddress());
        GilSocket peer = server.accept()) {
      OutputStream out = client.outputStream();
      InputStream in = peer.inputStream();
      out.write("hello".getBytes(US_ASCII));
      out.flush();
      assertThat(new String(in.readNBytes(5), US_ASCII)).isEqualTo("hello");
    }
  }

  @Test
  void interruptWhileReadingClosesTheSocket() throws Exception {
    try (GilSocket client = GilSocket.connect(server.localAddress());
        GilSocket peer = server.accept()) {
      CompletableFuture<Integer> reader =
          handler.start("reader", () -> peer.read(ByteBuffer.allocate(8)));
      assertThat(handler.awaitEntered()).isTrue();
      handler.thread().interrupt();
      assertThatThrownBy(() -> result(reader))
          .cause()
          .isInstanceOf(ClosedByInterruptException.class);
      assertThat(peer.isOpen()).isFalse();
      assertThat(handler.exits).hasValue(1);
      assertThat(client.isOpen()).isTrue();
    }
  }

  @Test
  void rejectsBadArguments() throws Exception {
    InetSocketAddress address = server.localAddress();
    assertThatThrownBy(() -> GilSocket.connect(address, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout must be positive");
    assertThatThrownBy(() -> GilSocket.connect(address, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GilSocket.connect(null)).isInstanceOf(NullPointerException.class);
    try (SocketChannel nonBlocking = SocketChannel.open()) {
      nonBlocking.configureBlocking(false);
      assertThatThrownBy(() -> GilSocket.of(nonBlocking))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("blocking mode");
    }
  }
}
