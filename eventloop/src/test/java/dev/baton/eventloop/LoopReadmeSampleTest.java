package dev.baton.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * eventloop/README.md's sample of the loop itself and of TCP streams, as written there (examples'
 * ReadmeSamplesTest checks it).
 */
class LoopReadmeSampleTest {

  @Test
  void sampleRunsAsDocumented() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    // README begin
    EventLoop loop = EventLoop.builder().name("main").build();
    loop.callSoon(() -> log.add("first pass"));
    loop.callLater(Duration.ofMillis(10), () -> log.add("10 ms later"));
    loop.callLater(Duration.ofMillis(20), loop::stop);
    Thread other = new Thread(() -> loop.callSoonThreadSafe(() -> log.add("from another thread")));
    other.start();
    loop.runForever(); // returns after stop()
    loop.close();

    // TCP streams: an echo server and a client, in a task
    String echoed =
        EventLoop.run(
            () -> {
              Server server = Server.start((r, w) -> w.write(r.readLine()), "127.0.0.1", 0);
              Connection c = Connection.open("127.0.0.1", server.port());
              c.writer().write("hello\n".getBytes(StandardCharsets.US_ASCII));
              byte[] line = c.reader().readLine(); // "hello\n"
              c.writer().close();
              server.close();
              return new String(line, StandardCharsets.US_ASCII);
            });
    // README end
    other.join(10_000);
    assertThat(log).startsWith("first pass").contains("10 ms later");
    assertThat(echoed).isEqualTo("hello\n");
  }
}
