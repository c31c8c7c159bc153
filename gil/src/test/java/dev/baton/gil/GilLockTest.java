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
                  lock.lock();
                  boolean held = lock.isLocked();
                  lock.unlock();
                  assertThat(lock.tryLock(Duration.ofSeconds(5))).isTrue();
                  lock.unlock();
                  return held;
                }));
    assertThat(locked).isTrue();
    assertThat(handler.enters).hasValue(0);
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void contendedAcquireWaitsInsideABlockingSectionAndLeavesItHoldingTheLock() throws Exception {
    lock.lock();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "waiter",
            () -> {
              lock.lock();
              return !handler.inSection() && lock.isLocked();
            });
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(waiter).isNotDone();
    lock.unlock();
    assertThat(result(waiter)).isTrue();
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
    assertThat(lock.isLocked()).as("the waiter took it and kept it").isTrue();
  }

  @Test
  void isNotReentrant() throws Exception {
    lock.lock();
    assertThat(lock.tryLock()).isFalse();
    assertThat(lock.tryLock(Duration.ofMillis(20))).isFalse();
    lock.unlock();
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void anotherThreadMayRelease() throws Exception {
    lock.lock();
    result(CompletableFuture.runAsync(lock::unlock));
    assertThat(lock.isLocked()).isFalse();
    assertThat(lock.tryLock()).isTrue();
  }

  @Test
  void timedAcquireTimesOutAfterReleasingAndRetakingTheGil() throws Exception {
    lock.lock();
    boolean acquired = result(handler.start("timed", () -> lock.tryLock(Duration.ofMillis(30))));
    assertThat(acquired).isFalse();
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void zeroTimeoutTriesOnceWithoutEnteringABlockingSection() throws Exception {
    lock.lock();
    boolean acquired = result(handler.start("zero", () -> lock.tryLock(Duration.ZERO)));
    assertThat(acquired).isFalse();
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void interruptWhileWaitingThrowsWithoutTheLock() throws Exception {
    lock.lock();
    CompletableFuture<Void> waiter =
        handler.start(
            "interrupted",
            () -> {
              lock.lock();
              return null;
            });
    handler.interruptWhileWaiting(waiter);
    lock.unlock();
    assertThat(lock.isLocked()).as("the interrupted waiter did not take it").isFalse();
  }

  @Test
  void interruptStatusOnEntryThrowsEvenWhenFree() {
    Thread.currentThread().interrupt();
    assertThatThrownBy(lock::lock).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
    assertThat(lock.isLocked()).isFalse();
    assertThat(lock.tryLock()).as("tryLock ignores the interrupt status").isTrue();
  }

  @Test
  void releasingAnUnlockedLockIsMisuse() {
    assertThatThrownBy(lock::unlock)
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
  void withLockRunsTheBodyHoldingTheLockAndUnlocksHoweverItEnds() throws Exception {
    assertThat(lock.withLock(lock::isLocked)).isTrue();
    assertThat(lock.isLocked()).isFalse();
    java.io.IOException failure = new java.io.IOException("body failed");
    assertThatThrownBy(
            () ->
                lock.withLock(
                    () -> {
                      throw failure;
                    }))
        .isSameAs(failure);
    assertThat(lock.isLocked()).isFalse();
    assertThatThrownBy(() -> lock.withLock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("body");
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
    assertThatThrownBy(() -> lock.tryLock(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> lock.tryLock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("timeout");
  }
}
