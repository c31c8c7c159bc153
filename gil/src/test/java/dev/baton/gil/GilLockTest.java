package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GilLockTest {

  private final GilLock lock = new GilLock();
  private final RecordingHandler handler = new RecordingHandler();

  @Test
  void uncontendedAcquireDoesNotEnterABlockingSection() throws Exception {
    boolean locked =
        result(
            handler.start(
                "uncontended",
                () -> {
                  lock.acquire();
                  boolean held = lock.isLocked();
                  lock.release();
                  assertThat(lock.acquire(Duration.ofSeconds(5))).isTrue();
                  lock.release();
                  return held;
                }));
    assertThat(locked).isTrue();
    assertThat(handler.enters).hasValue(0);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void contendedAcquireWaitsInsideABlockingSectionAndLeavesItHoldingTheLock() throws Exception {
    lock.acquire();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "waiter",
            () -> {
              lock.acquire();
              return !handler.inSection() && lock.isLocked();
            });
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(waiter).isNotDone();
    lock.release();
    assertThat(result(waiter)).isTrue();
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
    assertThat(lock.isLocked()).as("the waiter took it and kept it").isTrue();
  }

  @Test
  void isNotReentrant() throws Exception {
    lock.acquire();
    assertThat(lock.tryAcquire()).isFalse();
    assertThat(lock.acquire(Duration.ofMillis(20))).isFalse();
    lock.release();
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void anotherThreadMayRelease() throws Exception {
    lock.acquire();
    result(CompletableFuture.runAsync(lock::release));
    assertThat(lock.isLocked()).isFalse();
    assertThat(lock.tryAcquire()).isTrue();
  }

  @Test
  void timedAcquireTimesOutAfterReleasingAndRetakingTheGil() throws Exception {
    lock.acquire();
    boolean acquired = result(handler.start("timed", () -> lock.acquire(Duration.ofMillis(30))));
    assertThat(acquired).isFalse();
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void zeroTimeoutTriesOnceWithoutEnteringABlockingSection() throws Exception {
    lock.acquire();
    boolean acquired = result(handler.start("zero", () -> lock.acquire(Duration.ZERO)));
    assertThat(acquired).isFalse();
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void interruptWhileWaitingThrowsWithoutTheLock() throws Exception {
    lock.acquire();
    CompletableFuture<Void> waiter =
        handler.start(
            "interrupted",
            () -> {
              lock.acquire();
              return null;
            });
    handler.interruptWhileWaiting(waiter);
    lock.release();
    assertThat(lock.isLocked()).as("the interrupted waiter did not take it").isFalse();
  }

  @Test
  void interruptStatusOnEntryThrowsEvenWhenFree() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(lock::acquire).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
    assertThat(lock.isLocked()).isFalse();
    assertThat(lock.tryAcquire()).as("tryAcquire ignores the interrupt status").isTrue();
  }

  @Test
  void releasingAnUnlockedLockIsMisuse() {
    assertThatThrownBy(lock::release)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining(Thread.currentThread().getName())
        .hasMessageContaining("not locked");
  }

  @Test
  void holdReleasesAtTheEndOfTheBlock() throws Exception {
    try (HeldLock held = lock.hold()) {
      assertThat(lock.isLocked()).isTrue();
    }
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void holdHandsOutTheLocksOwnHandleWithoutAllocating() throws Exception {
    HeldLock first = lock.hold();
    first.close();
    HeldLock second = lock.hold();
    second.close();
    assertThat(second).isSameAs(first);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void rejectsBadTimeouts() {
    assertThatThrownBy(() -> lock.acquire(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> lock.acquire(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("timeout");
  }
}
