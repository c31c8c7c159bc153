package dev.baton.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's event-loop sample, as written there (examples' ReadmeSamplesTest checks it). */
class ReadmeSampleTest {

  @Test
  void sampleRunsAsDocumented() {
    List<String> log = new ArrayList<>();
    // README begin
    int answer =
        EventLoop.run(
            () -> { // asyncio.run: a loop on this thread, the body its main task
              EventLoop loop = EventLoop.current();
              loop.callSoon(() -> log.add("a callback"));
              Task<Integer> a =
                  loop.createTask(
                      "a",
                      () -> {
                        Tasks.sleep(Duration.ofMillis(10));
                        return 20;
                      });
              Future<Integer> b = loop.runInExecutor(() -> 22); // blocking work off the loop
              return Tasks.await(a) + Tasks.await(b); // each await suspends this task only
            });
    // README end
    assertThat(answer).isEqualTo(42);
    assertThat(log).containsExactly("a callback");
  }
}
