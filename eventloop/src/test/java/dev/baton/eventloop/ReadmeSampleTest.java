package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The event-loop sample of the repository's README, as it is written there but for printing: a
 * change to the API that breaks the sample breaks this test.
 */
class ReadmeSampleTest {

  @Test
  void theLoopSampleRunsAsTheReadmeSays() throws Exception {
    List<String> printed = new CopyOnWriteArrayList<>();
    EventLoop loop = EventLoop.builder().name("main").build();
    loop.callSoon(() -> printed.add("first pass"));
    loop.callLater(Duration.ofMillis(10), () -> printed.add("10 ms later"));
    Thread other =
        new Thread(() -> loop.callSoonThreadSafe(() -> printed.add("from another thread")));
    other.start();
    other.join(30_000); // the README's sample races the thread with the timer; the test does not
    loop.callLater(Duration.ofMillis(20), loop::stop);
    loop.runForever(); // returns after stop()
    loop.close();
    assertThat(printed)
        .containsExactlyInAnyOrder("first pass", "10 ms later", "from another thread");
    assertThat(printed.indexOf("first pass")).isLessThan(printed.indexOf("10 ms later"));

    // asyncio.run: tasks as sequential code
    int answer =
        EventLoop.run(
            () -> {
              EventLoop here = EventLoop.current();
              Task<Integer> a =
                  here.createTask(
                      "a",
                      () -> {
                        Tasks.sleep(Duration.ofMillis(10));
                        return 20;
                      });
              Future<Integer> b = here.runInExecutor(() -> 22); // blocking work off the loop
              return await(a) + await(b);
            });
    assertThat(answer).isEqualTo(42);

    // TCP streams: an echo server and a client, in a task
    byte[] echoed =
        EventLoop.run(
            () -> {
              Server server = Server.start((r, w) -> w.write(r.readLine()), "127.0.0.1", 0);
              Connection c = Connection.open("127.0.0.1", server.port());
              c.writer().write("hello\n".getBytes(StandardCharsets.US_ASCII));
              byte[] line = c.reader().readLine();
              c.close();
              server.close();
              return line;
            });
    assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo("hello\n");
  }
}
