package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.Server;
import dev.baton.eventloop.TlsOptions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamsCommandTest {

  @Test
  void everyTransportEchoes() throws Exception {
    MainTest.Run run = MainTest.run("streams", "--quick", "--json");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("tls_echo_ok").asBoolean()).isTrue();
    assertThat(node.get("udp_echo_ok").asBoolean()).isTrue();
    assertThat(node.get("unix_echo_ok").asBoolean()).isTrue();
    assertThat(node.get("subprocess_ok").asBoolean()).isTrue();
    assertThat(node.get("tls_echo_mb_per_s").asDouble()).isPositive();
  }

  @Test
  void tlsConnectNeedsAPortAndText() {
    MainTest.Run run = MainTest.run("streams", "--tls-connect", "localhost");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("--tls-connect");
  }

  @Test
  void tlsConnectRefusesAnUntrustedServerUnlessInsecure() throws Exception {
    // a loop TLS server with a self-signed certificate that the default trust store refuses
    CompletableFuture<Integer> port = new CompletableFuture<>();
    CompletableFuture<Void> stop = new CompletableFuture<>();
    Thread serverThread =
        Thread.ofPlatform()
            .daemon()
            .start(
                () ->
                    EventLoop.run(
                        () -> {
                          java.nio.file.Path dir =
                              java.nio.file.Files.createTempDirectory("baton-tls");
                          javax.net.ssl.SSLContext ctx = StreamsCommand.selfSigned(dir)[0];
                          java.nio.file.Files.delete(dir.resolve("server.p12"));
                          java.nio.file.Files.delete(dir);
                          Server s =
                              Server.start(
                                  (r, w) -> w.write(r.readLine()),
                                  "127.0.0.1",
                                  0,
                                  TlsOptions.server(ctx));
                          port.complete(s.port());
                          dev.baton.eventloop.Tasks.await(EventLoop.current().wrapFuture(stop));
                          s.close();
                          return null;
                        }));
    int p = port.get(60, TimeUnit.SECONDS);
    try {
      MainTest.Run refused =
          MainTest.run("streams", "--tls-connect", "127.0.0.1:" + p, "--send", "hi");
      assertThat(refused.exit()).isNotZero();
      MainTest.Run run =
          MainTest.run(
              "streams", "--tls-connect", "127.0.0.1:" + p, "--insecure", "--send", "hi", "--json");
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(new ObjectMapper().readTree(run.out()).get("reply").asText()).isEqualTo("hi");
    } finally {
      stop.complete(null);
      serverThread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }
}
