package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class Http1ResponseTest {

  private static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** Feeds the text one byte at a time, the worst split a network can make. */
  private static Http1Response byteByByte(String text) throws ProtocolException {
    Http1Response response = new Http1Response();
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < bytes.length; i++) {
      boolean complete = response.feed(ByteBuffer.wrap(bytes, i, 1));
      assertThat(complete)
          .as("complete after byte %d of %d", i + 1, bytes.length)
          .isEqualTo(i == bytes.length - 1);
    }
    return response;
  }

  @Test
  void contentLengthBodyAcrossAnySplit() throws Exception {
    Http1Response response =
        byteByByte("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello");
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.bodyBytes()).isEqualTo(5);
    assertThat(response.keepAlive()).isTrue();
  }

  @Test
  void chunkedBodyWithExtensionsAndTrailer() throws Exception {
    Http1Response response =
        byteByByte(
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;ext=1\r\nwiki\r\n5\r\npedia\r\n0\r\nX-Trailer: y\r\n\r\n");
    assertThat(response.bodyBytes()).isEqualTo(9);
  }

  @Test
  void bodyWithoutLengthEndsWhenTheServerCloses() throws Exception {
    Http1Response response = new Http1Response();
    assertThat(response.feed(ascii("HTTP/1.0 200 OK\r\n\r\nabc"))).isFalse();
    assertThat(response.feed(ascii("def"))).isFalse();
    assertThat(response.endOfStream()).isTrue();
    assertThat(response.bodyBytes()).isEqualTo(6);
    assertThat(response.keepAlive()).isFalse();
  }

  @Test
  void closeBeforeTheEndIsAnError() throws Exception {
    Http1Response response = new Http1Response();
    response.feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    assertThatThrownBy(response::endOfStream)
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("closed in the middle of the response");
  }

  @Test
  void rejectsWhatIsNotHttp() {
    assertThatThrownBy(() -> new Http1Response().feed(ascii("SSH-2.0-OpenSSH\r\n")))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("not an HTTP/1.x status line");
    assertThatThrownBy(
            () -> new Http1Response().feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")))
        .hasMessageContaining("bad Content-Length 'x'");
    assertThatThrownBy(
            () ->
                new Http1Response()
                    .feed(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")))
        .hasMessageContaining("bad chunk size 'zz'");
  }

  @Test
  void notOkNamesTheAddressAndStatus() throws Exception {
    Http1Response response = new Http1Response();
    response.feed(ascii("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));
    assertThat(response.isComplete()).isTrue();
    URI uri = URI.create("http://127.0.0.1:1/x");
    assertThatThrownBy(() -> response.requireOk(uri))
        .isInstanceOf(IOException.class)
        .hasMessage("GET http://127.0.0.1:1/x answered 404, not 200");
  }

  @Test
  void requestIsAMinimalHttp11Get() {
    String request =
        new String(
            Http1Response.get(URI.create("http://127.0.0.1:8080/dice?x=1")),
            StandardCharsets.US_ASCII);
    assertThat(request)
        .startsWith("GET /dice?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n")
        .contains("Connection: close\r\n")
        .endsWith("\r\n\r\n");
    assertThatThrownBy(() -> Http1Response.get(URI.create("https://example.org/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain http:// only");
  }

  @Test
  void readsTheLocalServersPagesOverASocket() throws Exception {
    try (PageServer server = PageServer.start(Duration.ZERO, 3000)) {
      URI uri = server.uri("/jython");
      try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
        OutputStream out = socket.getOutputStream();
        out.write(Http1Response.get(uri));
        out.flush();
        InputStream in = socket.getInputStream();
        Http1Response response = new Http1Response();
        byte[] buffer = new byte[700];
        boolean complete = false;
        for (int n; !complete && (n = in.read(buffer)) >= 0; ) {
          complete = response.feed(ByteBuffer.wrap(buffer, 0, n));
        }
        assertThat(complete).isTrue();
        response.requireOk(uri);
        assertThat(response.bodyBytes()).isEqualTo(3000);
      }
    }
  }
}
