package dev.baton.core.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.core.Guard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeakDetectorTest {

  private final Guard guard = Guard.ownedBy(Thread.currentThread(), "main");

  @Test
  void leakIsReportedOnceWithTypeCountAndRecords() {
    ObjectSpace space =
        ObjectSpace.builder()
            .guard(guard)
            .name("leaky")
            .leakDetection(LeakDetection.PARANOID)
            .build();
    String log =
        captureStderr(
            () -> {
              leakOneBox(space);
              awaitLeaks(space, 1);
            });
    assertThat(space.leakedObjects()).isEqualTo(1);
    assertThat(space.liveObjects()).isZero();
    assertThat(log)
        .contains("LEAK: box#")
        .contains("space \"leaky\"")
        .contains("reference count was 2")
        .contains("incref by thread")
        .contains("allocated by thread")
        .contains("leakOneBox");
    assertThat(log.split("LEAK:", -1)).hasSize(2);
  }

  @Test
  void simpleLevelSamplesOneObjectIn128AndReportsWithoutRecords() {
    ObjectSpace space =
        ObjectSpace.builder().guard(guard).leakDetection(LeakDetection.SIMPLE).build();
    int leaks = 2000; // about 16 watched; none watched has probability (127/128)^2000 < 1e-6
    String log =
        captureStderr(
            () -> {
              for (int i = 0; i < leaks; i++) {
                leakOneBox(space);
              }
              awaitLeaks(space, leaks);
            });
    int reports = log.split("LEAK:", -1).length - 1;
    assertThat(reports).isBetween(1, 100);
    assertThat(log).contains("Use leak detection ADVANCED").doesNotContain("allocated by thread");
    assertThat(space.leakedObjects()).isEqualTo(leaks);
  }

  @Test
  void disabledLevelCountsLeaksSilently() {
    ObjectSpace disabled =
        ObjectSpace.builder().guard(guard).leakDetection(LeakDetection.DISABLED).build();
    String log =
        captureStderr(
            () -> {
              leakOneBox(disabled);
              awaitLeaks(disabled, 1);
            });
    assertThat(log).doesNotContain("LEAK");
  }

  @Test
  void deallocatedObjectsAreNotLeaks() {
    ObjectSpace space =
        ObjectSpace.builder().guard(guard).leakDetection(LeakDetection.PARANOID).build();
    for (int i = 0; i < 100; i++) {
      space.newBox(i).decref();
    }
    leakOneBox(space);
    awaitLeaks(space, 1);
    assertThat(space.leakedObjects()).isEqualTo(1);
  }

  private static void leakOneBox(ObjectSpace space) {
    RcBox<byte[]> box = space.newBox(new byte[1024]);
    box.incref();
    box.get();
    // both references are dropped from Java without a decref
  }

  private static void awaitLeaks(ObjectSpace space, long expected) {
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              System.gc();
              return space.leakedObjects() >= expected;
            });
  }

  private static String captureStderr(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }
}
