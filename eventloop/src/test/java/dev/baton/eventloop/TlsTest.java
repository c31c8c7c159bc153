package dev.baton.eventloop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {
  private static final String HOST = "127.0.0.1";

  @TempDir static Path dir;
  static TlsFixtures certs;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certs = TlsFixtures.valid(dir);
  }

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(US_ASCII);
  }

  /** Echoes every chunk until the end of the stream. */
  static void echo(StreamReader r, StreamWriter w) throws IOException {
    byte[] b;
    while ((b = r.read(64 * 1024)).length > 0) {
      w.write(b);
      w.drain();
    }
  }

  private TlsOptions client() {
    return TlsOptions.client(certs.clientContext).withServerName("localhost");
  }

  private TlsOptions server() {
    return TlsOptions.server(certs.serverContext);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void echoesLinesAndAMegabyteWithBackpressureThenClosesWithCloseNotify(TaskMechanism m) {
    byte[] big = new byte[1 << 20];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31 + (i >> 10));
    }
    List<Object> got =
        EventLoop.run(
            "tls",
            m,
            () -> {
              Server s =
                  Server.start(
                      TlsTest::echo, HOST, 0, server().withApplicationProtocols("echo/1", "h2"));
              Connection c =
                  Connection.openTls(HOST, s.port(), client().withApplicationProtocols("echo/1"));
              List<Object> out = new ArrayList<>();
              out.add(c.applicationProtocol());
              out.add(c.tlsSession().getProtocol());
              c.writer().write(ascii("hello\n"));
              out.add(new String(c.reader().readLine(), US_ASCII));
              // a reader task and a writer that drains: the megabyte must come back whole
              c.reader().setLimit(16 * 1024);
              Task<byte[]> reading =
                  EventLoop.current().createTask("read", () -> c.reader().readExactly(big.length));
              for (int off = 0; off < big.length; off += 10_000) {
                c.writer().write(Arrays.copyOfRange(big, off, Math.min(big.length, off + 10_000)));
                out.add(c.writer().bufferSize() <= 64 * 1024 + 10_000);
                c.writer().drain();
              }
              out.add(Arrays.equals(Tasks.await(reading), big));
              c.writer().close();
              c.writer().waitClosed();
              s.close();
              return out;
            });
    assertThat(got.subList(0, 3)).containsExactly("echo/1", "TLSv1.3", "hello\n");
    assertThat(got.subList(3, got.size())).containsOnly(true);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void writeEofSendsCloseNotifyAndTheReplyStillArrives(TaskMechanism m) {
    String got =
        EventLoop.run(
            "eof",
            m,
            () -> {
              Server s = Server.start(TlsTest::echo, HOST, 0, server());
              Connection c = Connection.openTls(HOST, s.port(), client());
              c.writer().write(ascii("all of it"));
              c.writer().writeEof(); // close_notify: the server's echo loop reads its end
              String back = new String(c.reader().read(-1), US_ASCII);
              c.close();
              s.close();
              return back;
            });
    assertThat(got).isEqualTo("all of it");
  }

  @Test
  void talksToOpensslServer() throws Exception {
    try (var peer = new TlsFixtures.OpensslServer(certs.pem, "-rev")) {
      String reply =
          EventLoop.run(
              () -> {
                Connection c = Connection.openTls(HOST, peer.port, client());
                c.writer().write(ascii("hello openssl\n"));
                String line = new String(c.reader().readLine(), US_ASCII);
                c.close();
                return line;
              });
      assertThat(reply).isEqualTo("lssnepo olleh\n");
    }
  }

  @Test
  void talksToOpensslServerOverTls12() throws Exception {
    try (var peer = new TlsFixtures.OpensslServer(certs.pem, "-rev", "-tls1_2")) {
      List<String> reply =
          EventLoop.run(
              () -> {
                Connection c = Connection.openTls(HOST, peer.port, client());
                c.writer().write(ascii("abc\n"));
                String line = new String(c.reader().readLine(), US_ASCII);
                String protocol = c.tlsSession().getProtocol();
                c.close();
                return List.of(line, protocol);
              });
      assertThat(reply).containsExactly("cba\n", "TLSv1.2");
    }
  }

  @Test
  void servesOpensslClient() throws Exception {
    String reply =
        EventLoop.run(
            () -> {
              Server s = Server.start(TlsTest::echo, HOST, 0, server());
              EventLoop loop = EventLoop.current();
              Future<String> client =
                  loop.runInExecutor(
                      () -> {
                        Process p =
                            new ProcessBuilder(
                                    "openssl",
                                    "s_client",
                                    "-connect",
                                    HOST + ":" + s.port(),
                                    "-CAfile",
                                    certs.pem.toString(),
                                    "-verify_return_error",
                                    "-servername",
                                    "localhost",
                                    "-quiet")
                                .redirectError(ProcessBuilder.Redirect.DISCARD)
                                .start();
                        try (OutputStream in = p.getOutputStream()) {
                          in.write(ascii("from s_client\n"));
                          in.flush();
                          byte[] line = new byte[14];
                          int n = 0;
                          while (n < line.length) {
                            int k = p.getInputStream().read(line, n, line.length - n);
                            if (k < 0) {
                              break;
                            }
                            n += k;
                          }
                          return new String(line, 0, n, US_ASCII);
                        } finally {
                          p.destroyForcibly();
                          p.waitFor(10, TimeUnit.SECONDS);
                        }
                      });
              String r = Tasks.await(client);
              s.close();
              return r;
            });
    assertThat(reply).isEqualTo("from s_client\n");
  }

  @Test
  void servesCurlOverHttpsWithAlpn() {
    String body =
        EventLoop.run(
            () -> {
              Server s =
                  Server.start(
                      (r, w) -> {
                        while (r.readLine().length > 2) {
                          // request line and headers, up to the blank line
                        }
                        String alpn = w.connection().applicationProtocol();
                        byte[] text = ascii("hello over " + alpn + "\n");
                        w.write(
                            ascii(
                                "HTTP/1.1 200 OK\r\nContent-Length: "
                                    + text.length
                                    + "\r\nConnection: close\r\n\r\n"));
                        w.write(text);
                      },
                      HOST,
                      0,
                      server().withApplicationProtocols("http/1.1"));
              Future<String> curl =
                  EventLoop.current()
                      .runInExecutor(
                          () -> {
                            Process p =
                                new ProcessBuilder(
                                        "curl",
                                        "--silent",
                                        "--show-error",
                                        "--max-time",
                                        "30",
                                        "--cacert",
                                        certs.pem.toString(),
                                        "--resolve",
                                        "localhost:" + s.port() + ":127.0.0.1",
                                        "https://localhost:" + s.port() + "/")
                                    .redirectErrorStream(true)
                                    .start();
                            String out = new String(p.getInputStream().readAllBytes(), US_ASCII);
                            p.waitFor(30, TimeUnit.SECONDS);
                            return out;
                          });
              String answer = Tasks.await(curl);
              s.close();
              return answer;
            });
    assertThat(body).isEqualTo("hello over http/1.1\n");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void startTlsUpgradesAPlainConnection(TaskMechanism m) {
    List<String> got =
        EventLoop.run(
            "starttls",
            m,
            () -> {
              Server s =
                  Server.start(
                      (r, w) -> {
                        if (!new String(r.readLine(), US_ASCII).equals("STARTTLS\n")) {
                          return;
                        }
                        w.write(ascii("GO\n"));
                        w.connection().startTls(server());
                        echo(r, w);
                      },
                      HOST,
                      0);
              Connection c = Connection.open(HOST, s.port());
              List<String> out = new ArrayList<>();
              out.add(String.valueOf(c.tlsSession()));
              c.writer().write(ascii("STARTTLS\n"));
              out.add(new String(c.reader().readLine(), US_ASCII));
              c.startTls(client());
              c.writer().write(ascii("secret\n"));
              out.add(new String(c.reader().readLine(), US_ASCII));
              out.add(c.tlsSession().getProtocol());
              c.close();
              s.close();
              return out;
            });
    assertThat(got).containsExactly("null", "GO\n", "secret\n", "TLSv1.3");
  }

  @Test
  void anUntrustedCertificateFailsThatConnectionOnlyAndTheServerServesOn() {
    List<Object> got =
        EventLoop.run(
            () -> {
              Server s = Server.start(TlsTest::echo, HOST, 0, server());
              List<Object> out = new ArrayList<>();
              try {
                Connection.openTls(HOST, s.port(), TlsOptions.client(TlsFixtures.defaultClient()));
                out.add("connected");
              } catch (SSLHandshakeException e) {
                out.add("refused");
              }
              try {
                Connection.openTls(
                    HOST, s.port(), TlsOptions.client(certs.clientContext).withServerName("other"));
                out.add("connected");
              } catch (SSLHandshakeException e) {
                out.add("wrong name refused");
              }
              Connection good = Connection.openTls(HOST, s.port(), client());
              good.writer().write(ascii("still here\n"));
              out.add(new String(good.reader().readLine(), US_ASCII));
              good.close();
              s.close();
              return out;
            });
    assertThat(got).containsExactly("refused", "wrong name refused", "still here\n");
  }

  @Test
  void aClientThatSpeaksPlainHttpToTheTlsServerIsClosedAndTheServerServesOn() {
    List<Object> got =
        EventLoop.run(
            () -> {
              Server s = Server.start(TlsTest::echo, HOST, 0, server());
              List<Object> out = new ArrayList<>();
              Connection plain = Connection.open(HOST, s.port());
              plain.writer().write(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
              try {
                plain.reader().read(-1); // an alert at most, then the end
                out.add("closed");
              } catch (IOException reset) {
                out.add("closed");
              }
              Connection good = Connection.openTls(HOST, s.port(), client());
              good.writer().write(ascii("fine\n"));
              out.add(new String(good.reader().readLine(), US_ASCII));
              good.close();
              s.close();
              return out;
            });
    assertThat(got).containsExactly("closed", "fine\n");
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    TlsFixtures.ExpiredChain expired = TlsFixtures.expired(dir);
    Throwable failure =
        EventLoop.run(
            () -> {
              Server s =
                  Server.start(TlsTest::echo, HOST, 0, TlsOptions.server(expired.serverContext()));
              try {
                Connection.openTls(
                    HOST,
                    s.port(),
                    TlsOptions.client(expired.clientContext()).withServerName("localhost"));
                return null;
              } catch (SSLHandshakeException e) {
                return e;
              } finally {
                s.close();
              }
            });
    assertThat(failure).isInstanceOf(SSLHandshakeException.class);
    boolean expiredInChain = false;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      expiredInChain |= t instanceof CertificateExpiredException;
    }
    assertThat(expiredInChain).as("a CertificateExpiredException in %s", failure).isTrue();
  }

  @Test
  void aHandshakeThatStallsTimesOutOnBothSides() {
    List<Object> got =
        EventLoop.run(
            () -> {
              List<Object> out = new ArrayList<>();
              // a plain TCP server that accepts and says nothing: the client's handshake stalls
              Server silent = Server.start((r, w) -> r.read(-1), HOST, 0);
              try {
                Connection.openTls(
                    HOST, silent.port(), client().withHandshakeTimeout(Duration.ofMillis(200)));
              } catch (SSLHandshakeException e) {
                out.add(e.getCause() instanceof TimeoutException);
              }
              silent.close();
              // a TLS server and a client that connects in plain TCP and says nothing
              Server tls =
                  Server.start(
                      TlsTest::echo,
                      HOST,
                      0,
                      server().withHandshakeTimeout(Duration.ofMillis(200)));
              Connection mute = Connection.open(HOST, tls.port());
              out.add(mute.reader().read(-1).length); // the server closes it
              tls.close();
              return out;
            });
    assertThat(got).containsExactly(true, 0);
  }

  @Test
  void aPeerThatStopsInTheMiddleOfARecordGetsAnSslException() {
    Throwable failure =
        EventLoop.run(
            () -> {
              byte[] payload = new byte[100_000];
              Server tls =
                  Server.start(
                      (r, w) -> {
                        w.write(payload);
                        w.drain();
                        r.read(-1);
                      },
                      HOST,
                      0,
                      server());
              Server cutter = Server.start((r, w) -> cutMidRecord(tls.port(), w), HOST, 0);
              Connection c = Connection.openTls(HOST, cutter.port(), client());
              try {
                c.reader().readExactly(payload.length);
                return null;
              } catch (IOException e) {
                return e;
              } finally {
                tls.close();
                cutter.close();
              }
            });
    assertThat(failure)
        .isInstanceOf(SSLException.class)
        .hasMessageContaining("middle of a TLS record");
  }

  @Test
  void aClientThatAsksToRenegotiateIsRefusedAndTheServerServesOn() {
    List<Object> got =
        EventLoop.run(
            () -> {
              List<Object> out = new ArrayList<>();
              Server s =
                  Server.start(
                      (r, w) -> {
                        try {
                          echo(r, w);
                        } catch (SSLException e) {
                          out.add(e.getMessage().contains("renegotiat"));
                        }
                      },
                      HOST,
                      0,
                      server());
              // a blocking JDK client on TLS 1.2, which renegotiates after its first line
              Future<String> client =
                  EventLoop.current()
                      .runInExecutor(
                          () -> {
                            try (javax.net.ssl.SSLSocket socket =
                                (javax.net.ssl.SSLSocket)
                                    certs
                                        .clientContext
                                        .getSocketFactory()
                                        .createSocket(HOST, s.port())) {
                              socket.setSoTimeout(30_000);
                              socket.setEnabledProtocols(new String[] {"TLSv1.2"});
                              socket.getOutputStream().write(ascii("one\n"));
                              byte[] line = new byte[4];
                              int n = socket.getInputStream().readNBytes(line, 0, 4);
                              String first = new String(line, 0, n, US_ASCII);
                              try {
                                socket.startHandshake();
                                socket.getOutputStream().write(ascii("two\n"));
                                return first
                                    + (socket.getInputStream().read() < 0 ? "eof" : "more");
                              } catch (IOException refused) {
                                return first + "refused";
                              }
                            }
                          });
              String c = Tasks.await(client);
              out.add(c.startsWith("one\n") && !c.endsWith("more"));
              Connection good = Connection.openTls(HOST, s.port(), client());
              good.writer().write(ascii("after\n"));
              out.add(new String(good.reader().readLine(), US_ASCII));
              good.close();
              s.close();
              return out;
            });
    assertThat(got).containsExactly(true, true, "after\n");
  }

  /**
   * A relay from the TLS server to its client that forwards whole TLS records until the first big
   * one (application data, over 8 000 bytes), of which it forwards half, then closes; what the
   * client sends is forwarded until then.
   */
  private static void cutMidRecord(int upstreamPort, StreamWriter toClient) throws IOException {
    Connection up = Connection.open(HOST, upstreamPort);
    StreamReader fromClient = toClient.connection().reader();
    Task<Void> forward =
        EventLoop.current()
            .createTask(
                "client-to-server",
                () -> {
                  byte[] b;
                  while ((b = fromClient.read(65536)).length > 0) {
                    up.writer().write(b);
                    up.writer().drain();
                  }
                  return null;
                });
    try {
      while (true) {
        byte[] header = up.reader().readExactly(5);
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        byte[] body = up.reader().readExactly(length);
        toClient.write(header);
        if (length > 8_000) {
          toClient.write(Arrays.copyOf(body, length / 2));
          toClient.drain();
          return;
        }
        toClient.write(body);
        toClient.drain();
      }
    } finally {
      forward.cancel();
      up.abort();
    }
  }
}
