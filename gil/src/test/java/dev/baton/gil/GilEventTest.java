package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GilEventTest {

  private static final Duration LONG = Duration.ofSeconds(RecordingHandler.WAIT_SECONDS);

  private final GilEvent event = new GilEvent();
  private final RecordingHandler handler = new RecordingHandler();

  @Test
  void startsClearAndSetAndClearFlipTheFlag() {
    assertThat(event.isSet()).isFalse();
    event.set();
    assertThat(event.isSet()).isTrue();
    event.set();
    assertThat(event.isSet()).isTrue();
    event.clear();
    assertThat(event.isSet()).isFalse();
  }

  @Test
  void awaitOnASetEventReturnsWithoutEnteringABlockingSection() throws Exception {
    event.set();
    boolean result =
        result(
            handler.start(
                "fast",
                () -> {
                  event.await();
                  return event.await(Duration.ofSeconds(5));
                }));
    assertThat(result).isTrue();
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void awaitReleasesTheGilUntilSet() throws Exception {
    CompletableFuture<Boolean> waiter = handler.start("waiter", () -> event.await(LONG));
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(waiter).isNotDone();
    event.set();
    assertThat(result(waiter)).isTrue();
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void untimedAwaitReturnsOnceSet() throws Exception {
    CompletableFuture<Boolean> waiter =
        handler.start(
            "waiter",
            () -> {
              event.await();
              return true;
            });
    assertThat(handler.awaitEntered()).isTrue();
    event.set();
    assertThat(result(waiter)).isTrue();
  }

  @Test
  void aWaiterWokenBySetReturnsTrueEvenIfClearedAgainAtOnce() throws Exception {
    CompletableFuture<Boolean> waiter = handler.start("waiter", () -> event.await(LONG));
    assertThat(handler.awaitEntered()).isTrue();
    event.set();
    event.clear();
    assertThat(result(waiter)).isTrue();
  }

  @Test
  void aSetAndClearBetweenTheFastPathAndTheParkStillWakesTheWaiter() throws Exception {
    handler.onEnter(
        () -> {
          event.set();
          event.clear();
        });
    assertThat(result(handler.start("waiter", () -> event.await(LONG)))).isTrue();
    assertThat(event.isSet()).isFalse();
  }

  @Test
  void timedAwaitTimesOutWithFalse() throws Exception {
    assertThat(result(handler.start("timed", () -> event.await(Duration.ofMillis(20))))).isFalse();
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void zeroTimeoutOnlyReadsTheFlag() throws Exception {
    assertThat(result(handler.start("zero", () -> event.await(Duration.ZERO)))).isFalse();
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void interruptWhileWaitingThrows() throws Exception {
    CompletableFuture<Void> waiter =
        handler.start(
            "interrupted",
            () -> {
              event.await();
              return null;
            });
    handler.interruptWhileWaiting(waiter);
  }

  @Test
  void interruptStatusOnEntryThrowsEvenWhenSet() {
    event.set();
    Thread.currentThread().interrupt();
    assertThatThrownBy(event::await).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void rejectsBadTimeouts() {
    assertThatThrownBy(() -> event.await(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> event.await(null)).isInstanceOf(NullPointerException.class);
  }
}
