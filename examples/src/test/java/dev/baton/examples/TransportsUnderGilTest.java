package dev.baton.examples;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.eventloop.Connection;
import dev.baton.eventloop.DatagramEndpoint;
import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.Server;
import dev.baton.eventloop.Subprocess;
import dev.baton.eventloop.TaskMechanism;
import dev.baton.eventloop.TlsOptions;
import dev.baton.gil.Gil;
import dev.baton.gil.GilRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The loop's transports (TLS, Unix socket, UDP, subprocess pipes) on a GIL runtime's thread, on
 * both task mechanisms: each task step holds the GIL, and while the loop waits for the child
 * process another runtime thread runs (the loop gives the GIL up in its wait, as for TCP).
 */
class TransportsUnderGilTest {
  private final GilRuntime runtime =
      GilRuntime.builder().name("transports-gil").switchInterval(Duration.ofMillis(1)).build();
  private final Gil gil = runtime.gil();

  @TempDir Path dir;

  @AfterEach
  void close() {
    runtime.close();
  }

  @ParameterizedTest
  @EnumSource(TaskMechanism.class)
  void everyTransportWorksAndTheGilIsHeldByStepsAndReleasedInWaits(TaskMechanism mechanism)
      throws Exception {
    SSLContext[] tls = StreamsCommand.selfSigned(dir);
    AtomicLong otherSteps = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread other =
        runtime.startThread(
            "other",
            () -> {
              while (!stop.get()) {
                otherSteps.incrementAndGet(); // only while holding the GIL
                gil.checkpoint();
              }
            });
    Thread loopThread =
        runtime.startThread(
            "loop",
            () -> {
              try {
                outcome.set(
                    EventLoop.run(
                        "loop",
                        mechanism,
                        () -> {
                          List<Object> seen = new ArrayList<>();
                          Server s =
                              Server.start(
                                  (r, w) -> w.write(r.readLine()),
                                  "127.0.0.1",
                                  0,
                                  TlsOptions.server(tls[0]));
                          Connection c =
                              Connection.openTls(
                                  "127.0.0.1",
                                  s.port(),
                                  TlsOptions.client(tls[1]).withServerName("localhost"));
                          c.writer().write("tls\n".getBytes(US_ASCII));
                          seen.add(new String(c.reader().readLine(), US_ASCII));
                          seen.add(gil.isHeldByCurrentThread());
                          c.close();
                          s.close();
                          Path sock = dir.resolve("g.sock");
                          Server u = Server.startUnix((r, w) -> w.write(r.readLine()), sock);
                          Connection uc = Connection.openUnix(sock);
                          uc.writer().write("unix\n".getBytes(US_ASCII));
                          seen.add(new String(uc.reader().readLine(), US_ASCII));
                          uc.close();
                          u.close();
                          DatagramEndpoint server = DatagramEndpoint.bind("127.0.0.1", 0);
                          DatagramEndpoint client =
                              DatagramEndpoint.connect(
                                  "127.0.0.1", server.localAddress().getPort());
                          client.send("udp".getBytes(US_ASCII));
                          seen.add(new String(server.receive().data(), US_ASCII));
                          client.close();
                          server.close();
                          long before = otherSteps.get();
                          Subprocess p = Subprocess.exec("sh", "-c", "sleep 0.2; echo done");
                          Subprocess.Result r = p.communicate(null);
                          seen.add(new String(r.stdout(), US_ASCII));
                          seen.add(otherSteps.get() > before); // ran while the loop waited
                          seen.add(gil.isHeldByCurrentThread());
                          return seen;
                        }));
              } catch (Throwable t) {
                outcome.set(t);
              } finally {
                stop.set(true);
              }
            });
    loopThread.join(60_000);
    other.join(60_000);
    assertThat(loopThread.isAlive()).isFalse();
    assertThat(outcome.get())
        .isEqualTo(List.of("tls\n", true, "unix\n", "udp", "done\n", true, true));
    assertThat(Files.exists(dir.resolve("g.sock"))).isFalse();
  }
}
