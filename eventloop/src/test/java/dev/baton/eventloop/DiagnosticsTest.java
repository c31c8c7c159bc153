package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
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
    // well above what a trivial step can take when a loaded machine deschedules the loop, so that
    // the culprit's is the only slow step, hence the last one named
    EventLoop.builder()
        .name("t")
        .mechanism(m)
        .slowCallbackThreshold(Duration.ofMillis(250))
        .run(
            () -> {
              loop[0] = EventLoop.current();
              // the culprit shares its batch with the bystander, so only the watchdog can name it:
              // it runs until the watchdog has seen it run past the threshold, and it runs last in
              // the batch, so that no step after it can be seen running long and named instead
              loop[0].createTask("bystander", () -> null);
              Task<Void> culprit =
                  loop[0].createTask(
                      "culprit",
                      () -> {
                        blockUntil(() -> loop[0].diagnostics.hasSuspect());
                        return null;
                      });
              await(culprit);
              return null;
            });
    assertThat(loop[0].slowCallbackWarnings()).isGreaterThanOrEqualTo(1);
    assertThat(loop[0].lastSlowCallback()).isEqualTo("task \"culprit\"");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void aSlowLambdaIsNamedByItsClassAndTheMethodItRan(TaskMechanism m) {
    EventLoop loop =
        EventLoop.builder()
            .name("t")
            .mechanism(m)
            .slowCallbackThreshold(Duration.ofMillis(20))
            .build();
    // the callback runs until the watchdog has seen it run past the threshold, and is its pass's
    // only step: what is asserted below does not depend on how long anything took (a step after
    // it, descheduled past the threshold, would be named instead)
    loop.callSoon(
        () -> {
          blockUntil(loop.diagnostics::hasSuspect);
          loop.stop();
        });
    loop.runForever();
    loop.close();
    assertThat(loop.slowCallbackWarnings()).isEqualTo(1);
    assertThat(loop.lastSlowCallback())
        .startsWith("lambda in dev.baton.eventloop.DiagnosticsTest at ")
        .contains("dev.baton.eventloop.DiagnosticsTest.lambda$")
        .contains("(DiagnosticsTest.java:")
        .doesNotContain("$$Lambda")
        .doesNotContain("@");
  }

  @Test
  void aCallbackIsNamedByItsOwnToStringOrItsClassWithoutItsAddress() {
    Runnable lambda = () -> {};
    assertThat(LoopDiagnostics.describe(lambda))
        .isEqualTo("lambda in dev.baton.eventloop.DiagnosticsTest");
    Runnable reference = DiagnosticsTest::blockForever;
    assertThat(LoopDiagnostics.describe(reference))
        .isEqualTo("lambda in dev.baton.eventloop.DiagnosticsTest");
    assertThat(LoopDiagnostics.describe(new Plain())).isEqualTo(Plain.class.getName());
    assertThat(LoopDiagnostics.describe(new Named())).isEqualTo("the named one");
  }

  @Test
  void theStepFrameIsTheOneAboveTheStepRunnerSkippingALambdasOwnFrame() {
    StackTraceElement sleep = new StackTraceElement("java.lang.Thread", "sleep", null, -1);
    StackTraceElement body =
        new StackTraceElement("acme.Poller", "lambda$start$0", "Poller.java", 42);
    StackTraceElement hidden = new StackTraceElement("acme.Poller$$Lambda/0x1", "run", null, -1);
    StackTraceElement runner =
        new StackTraceElement(
            LoopDiagnostics.STEP_RUNNER_CLASS,
            LoopDiagnostics.STEP_RUNNER_METHOD,
            "EventLoop.java",
            1);
    assertThat(
            LoopDiagnostics.stepFrame(
                new StackTraceElement[] {sleep, body, hidden, runner, runner}))
        .isSameAs(body);
    assertThat(LoopDiagnostics.stepFrame(new StackTraceElement[] {sleep, body})).isNull();
  }

  /**
   * Blocks the loop (as a step) until the watchdog has seen what {@code seen} asks, or 30 s, so
   * that what the watchdog reports does not depend on when its thread was scheduled.
   */
  private static void blockUntil(BooleanSupplier seen) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!seen.getAsBoolean() && System.nanoTime() < deadline) {
      blockFor(5);
    }
  }

  private static void blockForever() {
    throw new AssertionError("never run");
  }

  private static final class Plain implements Runnable {
    @Override
    public void run() {}
  }

  private static final class Named implements Runnable {
    @Override
    public void run() {}

    @Override
    public String toString() {
      return "the named one";
    }
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void theWatchdogReportsALoopStillBlocked(TaskMechanism m) {
    EventLoop[] loop = new EventLoop[1];
    EventLoop.builder()
        .name("t")
        .mechanism(m)
        .blockedWarningThreshold(Duration.ofMillis(50))
        .run(
            () -> {
              loop[0] = EventLoop.current();
              blockUntil(() -> loop[0].blockedWarnings() >= 1);
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
