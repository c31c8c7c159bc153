package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DiagnosticsTest {

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  private static void blockFor(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void aSlowTaskStepIsNamedInAWarning(TaskMechanism m) {
    EventLoop[] loop = new EventLoop[1];
    EventLoop.run(
        "t",
        m,
        () -> {
          loop[0] = EventLoop.current();
          // well above what a trivial step can take when a loaded machine deschedules the loop,
          // so that the culprit's is the only slow step, hence the last one named
          loop[0].setSlowCallbackThreshold(Duration.ofMillis(250));
          Task<Void> culprit =
              loop[0].createTask(
                  "culprit",
                  () -> {
                    blockFor(600);
                    return null;
                  });
          loop[0].createTask("bystander", () -> null);
          await(culprit);
          return null;
        });
    assertThat(loop[0].slowCallbackWarnings()).isGreaterThanOrEqualTo(1);
    assertThat(loop[0].lastSlowCallback()).contains("culprit");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void theWatchdogReportsALoopStillBlocked(TaskMechanism m) {
    EventLoop[] loop = new EventLoop[1];
    EventLoop.run(
        "t",
        m,
        () -> {
          loop[0] = EventLoop.current();
          loop[0].setBlockedWarningThreshold(Duration.ofMillis(50));
          blockFor(400);
          return null;
        });
    assertThat(loop[0].blockedWarnings()).isGreaterThanOrEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void anUnretrievedTaskFailureIsReportedAtCloseOnlyWhenNobodyLooked(TaskMechanism m) {
    EventLoop[] loop = new EventLoop[1];
    EventLoop.run(
        "t",
        m,
        () -> {
          loop[0] = EventLoop.current();
          loop[0].createTask(
              "ignored",
              () -> {
                throw new IllegalStateException("nobody reads me (expected by the test)");
              });
          Task<Void> looked =
              loop[0].createTask(
                  "looked-at",
                  () -> {
                    throw new IllegalStateException("read");
                  });
          Tasks.sleep(Duration.ofMillis(1));
          assertThat(looked.exception()).hasMessage("read");
          return null;
        });
    assertThat(loop[0].unretrievedTaskFailures()).isEqualTo(1);
  }
}
