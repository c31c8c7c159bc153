package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GilServerSocketTest {

  private final RecordingHandler handler = new RecordingHandler();

  private static GilServerSocket loopback() throws Exception {
    return GilServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  @Test
  void acceptWaitsWithTheGilReleasedUntilAClientConnects() throws Exception {
    try (GilServerSocket server = loopback()) {
      assertThat(server.localAddress().getPort()).isPositive();
      CompletableFuture<GilSocket> acceptor = handler.start("acceptor", server::accept);
      assertThat(handler.awaitEntered()).isTrue();
      assertThat(acceptor).isNotDone();
      try (GilSocket client = GilSocket.connect(server.localAddress());
          GilSocket accepted = result(acceptor)) {
        assertThat(accepted.remoteAddress()).isEqualTo(client.localAddress());
        assertThat(accepted.channel().isBlocking()).isTrue();
      }
      assertThat(handler.exits).hasValue(1);
    }
  }

  @Test
  void closeFromAnotherThreadEndsAPendingAccept() throws Exception {
    GilServerSocket server = loopback();
    CompletableFuture<GilSocket> acceptor = handler.start("acceptor", server::accept);
    assertThat(handler.awaitEntered()).isTrue();
    server.close();
    assertThatThrownBy(() -> result(acceptor))
        .cause()
        .isInstanceOf(AsynchronousCloseException.class);
    assertThat(handler.exits).hasValue(1);
    assertThat(server.channel().isOpen()).isFalse();
  }

  @Test
  void rejectsANullAddress() {
    assertThatThrownBy(() -> GilServerSocket.bind(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("local");
  }
}
