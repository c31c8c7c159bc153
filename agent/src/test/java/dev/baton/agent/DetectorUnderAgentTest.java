package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.gil.GilRuntime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The runtime's blocking detector beside the agent: a sleep the agent rewrote releases the GIL and
 * is not reported; a sleep in code the agent does not instrument keeps the GIL, and is. The report
 * is read from the log.
 */
class DetectorUnderAgentTest {
  @Test
  void reportsTheBlockingCallTheAgentDidNotReach() throws Exception {
    try (LogCapture log = new LogCapture();
        AgentFixture agent =
            new AgentFixture(
                GilRuntime.builder().name("detected").blockingDetector(Duration.ofMillis(20)))) {
      CountDownLatch reported = new CountDownLatch(1);
      Thread thread =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (GilRuntime.Ensured ensured = agent.runtime.ensure()) {
                      agent.call("Blockers", "sleepInAndOut", 60L);
                      // keep holding the GIL until the stream has delivered the events
                      await()
                          .atMost(AgentFixture.PATIENCE)
                          .until(() -> log.text().contains("NotIncluded.sleep"));
                      reported.countDown();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      thread.join(AgentFixture.PATIENCE.toMillis() * 2);
      assertThat(reported.getCount()).isZero();
      List<String> reports =
          log.text().lines().filter(l -> l.contains("BlockingDetector")).toList();
      assertThat(reports)
          .anySatisfy(r -> assertThat(r).contains("NotIncluded.sleep").contains("\"detected\""))
          .noneSatisfy(r -> assertThat(r).contains("Blockers.sleepInAndOut"));
    }
  }
}
