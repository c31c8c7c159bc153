package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GilSemaphoreTest {

  private final RecordingHandler handler = new RecordingHandler();

  @Test
  void countsPermitsAndReleaseNeedsNoAcquire() throws Exception {
    GilSemaphore semaphore = new GilSemaphore(2);
    semaphore.acquire();
    assertThat(semaphore.tryAcquire(Duration.ZERO)).isTrue();
    assertThat(semaphore.tryAcquire()).isFalse();
    assertThat(semaphore.availablePermits()).isZero();
    semaphore.release(3);
    assertThat(semaphore.availablePermits())
        .as("an unbounded semaphore may rise above its initial value, as in Python")
        .isEqualTo(3);
    assertThat(new GilSemaphore().availablePermits()).isEqualTo(1);
  }

  @Test
  void acquireWithAPermitFreeDoesNotEnterABlockingSection() throws Exception {
    GilSemaphore semaphore = new GilSemaphore(2);
    result(
        handler.start(
            "fast",
            () -> {
              semaphore.acquire();
              return semaphore.tryAcquire(Duration.ofSeconds(5));
            }));
    assertThat(handler.enters).hasValue(0);
    assertThat(semaphore.availablePermits()).isZero();
  }

  @Test
  void acquireWaitsInsideABlockingSectionUntilARelease() throws Exception {
    GilSemaphore semaphore = new GilSemaphore(0);
    CompletableFuture<Integer> waiter =
        handler.start(
            "waiter",
            () -> {
              semaphore.acquire();
              return semaphore.availablePermits();
            });
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(waiter).isNotDone();
    semaphore.release();
    assertThat(result(waiter)).isZero();
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void releaseOfNWakesNWaiters() throws Exception {
    GilSemaphore semaphore = new GilSemaphore(0);
    RecordingHandler other = new RecordingHandler();
    CompletableFuture<Boolean> first =
        handler.start(
            "first", () -> semaphore.tryAcquire(Duration.ofSeconds(RecordingHandler.WAIT_SECONDS)));
    CompletableFuture<Boolean> second =
        other.start(
            "second",
            () -> semaphore.tryAcquire(Duration.ofSeconds(RecordingHandler.WAIT_SECONDS)));
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(other.awaitEntered()).isTrue();
    semaphore.release(2);
    assertThat(result(first)).isTrue();
    assertThat(result(second)).isTrue();
    assertThat(semaphore.availablePermits()).isZero();
  }

  @Test
  void timedAcquireTimesOut() throws Exception {
    GilSemaphore semaphore = new GilSemaphore(0);
    assertThat(result(handler.start("timed", () -> semaphore.tryAcquire(Duration.ofMillis(20)))))
        .isFalse();
    assertThat(handler.exits).hasValue(1);
    assertThat(semaphore.availablePermits()).isZero();
  }

  @Test
  void zeroTimeoutTriesOnceWithoutEnteringABlockingSection() throws Exception {
    GilSemaphore semaphore = new GilSemaphore(0);
    assertThat(result(handler.start("zero", () -> semaphore.tryAcquire(Duration.ZERO)))).isFalse();
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void interruptWhileWaitingThrowsWithoutAPermit() throws Exception {
    GilSemaphore semaphore = new GilSemaphore(0);
    CompletableFuture<Void> waiter =
        handler.start(
            "interrupted",
            () -> {
              semaphore.acquire();
              return null;
            });
    handler.interruptWhileWaiting(waiter);
    semaphore.release();
    assertThat(semaphore.availablePermits()).isEqualTo(1);
  }

  @Test
  void interruptStatusOnEntryThrowsEvenWithAPermit() {
    GilSemaphore semaphore = new GilSemaphore(1);
    Thread.currentThread().interrupt();
    assertThatThrownBy(semaphore::acquire).isInstanceOf(InterruptedException.class);
    assertThat(semaphore.availablePermits()).isEqualTo(1);
  }

  @Test
  void overflowingTheCountIsMisuse() {
    GilSemaphore semaphore = new GilSemaphore(Integer.MAX_VALUE);
    assertThatThrownBy(semaphore::release)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("which would raise its value past the maximum");
    assertThat(semaphore.availablePermits()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new GilSemaphore(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value")
        .hasMessageContaining("-1");
    GilSemaphore semaphore = new GilSemaphore();
    assertThatThrownBy(() -> semaphore.release(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n (permits to release) must be one or more");
    assertThatThrownBy(() -> semaphore.tryAcquire(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> semaphore.tryAcquire(null)).isInstanceOf(NullPointerException.class);
    assertThat(semaphore.availablePermits()).isEqualTo(1);
  }
}
