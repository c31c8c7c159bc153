package dev.baton.eventloop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * eventloop/README.md's sample of the transports beyond TCP, as written there (examples'
 * ReadmeSamplesTest checks it).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TransportsReadmeSampleTest {
  @TempDir Path dir;

  @Test
  void sampleRunsAsDocumented() throws Exception {
    TlsFixtures certs = TlsFixtures.valid(dir);
    SSLContext serverContext = certs.serverContext;
    SSLContext clientContext = certs.clientContext;
    Path socketFile = dir.resolve("echo.sock");
    // README begin
    List<String> got =
        EventLoop.run(
            () -> {
              // TLS: the same streams; the handshake is done when openTls returns
              Server tls =
                  Server.start(
                      (r, w) -> w.write(r.readLine()),
                      "127.0.0.1",
                      0,
                      TlsOptions.server(serverContext));
              Connection c =
                  Connection.openTls(
                      "127.0.0.1",
                      tls.port(),
                      TlsOptions.client(clientContext).withServerName("localhost"));
              c.writer().write("over TLS\n".getBytes(US_ASCII));
              String a = new String(c.reader().readLine(), US_ASCII);
              tls.close();

              // a Unix domain socket: the file goes when the server closes
              Server unix = Server.startUnix((r, w) -> w.write(r.readLine()), socketFile);
              Connection u = Connection.openUnix(socketFile);
              u.writer().write("over a file\n".getBytes(US_ASCII));
              String b = new String(u.reader().readLine(), US_ASCII);
              unix.close();

              // UDP: a datagram at a time
              DatagramEndpoint server = DatagramEndpoint.bind("127.0.0.1", 0);
              DatagramEndpoint client =
                  DatagramEndpoint.connect("127.0.0.1", server.localAddress().getPort());
              client.send("ping".getBytes(US_ASCII));
              String d = new String(server.receive().data(), US_ASCII);
              client.close();
              server.close();

              // a child process whose pipes are streams on the loop
              Subprocess.Result r =
                  Subprocess.exec("tr", "a-z", "A-Z").communicate("shout\n".getBytes(US_ASCII));
              return List.of(a, b, d, new String(r.stdout(), US_ASCII));
            });
    // README end
    assertThat(got).containsExactly("over TLS\n", "over a file\n", "ping", "SHOUT\n");
  }
}
