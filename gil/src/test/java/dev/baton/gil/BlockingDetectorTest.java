package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlockingDetectorTest {
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @Test
  void aSleepHoldingTheGilIsReportedOnceWithThreadRuntimeTimeAndCallSite() throws Exception {
    try (GilRuntime runtime =
        GilRuntime.builder().name("detected").blockingDetector(Duration.ofMillis(20)).build()) {
      BlockingDetector detector = runtime.detector();
      assertThat(detector).isNotNull();
      try (GilRuntime.Ensured ensured = runtime.ensure()) {
        // released for the section: not reported
        Blocking.run(() -> Thread.sleep(60));
        for (int i = 0; i < 2; i++) {
          sleepHoldingTheGil();
        }
        // hold the GIL until the stream has delivered the events (the waiting itself blocks
        // holding the GIL, and is reported too, at Awaitility's call sites)
        await().atMost(PATIENCE).until(() -> reportsOf(detector, "sleepHoldingTheGil").size() == 1);
      }
      assertThat(reportsOf(detector, "lambda$")).as("the sleep inside a section").isEmpty();
      List<String> reports = reportsOf(detector, "sleepHoldingTheGil");
      assertThat(reports).hasSize(1);
      assertThat(reports.getFirst())
          .contains("thread \"" + Thread.currentThread().getName() + "\"")
          .contains("runtime \"detected\"")
          .contains("jdk.ThreadSleep")
          .containsPattern("for \\d+ ms")
          .contains(BlockingDetectorTest.class.getName() + ".sleepHoldingTheGil")
          .contains("Blocking.call");
    }
  }

  @Test
  void isOffByDefaultAndChecksItsThreshold() {
    try (GilRuntime runtime = GilRuntime.builder().build()) {
      assertThat(runtime.detector()).isNull();
    }
    assertThatIllegalArgumentException()
        .isThrownBy(() -> GilRuntime.builder().blockingDetector(Duration.ZERO))
        .withMessageContaining("between 1 ms and 1 h");
  }

  private static List<String> reportsOf(BlockingDetector detector, String site) {
    return detector.reports().stream().filter(r -> r.contains(site)).toList();
  }

  private static void sleepHoldingTheGil() throws InterruptedException {
    Thread.sleep(60);
  }
}
