package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link GilAcquirable} keeps, run once per lock, as the JSR-166 TCK runs {@code
 * BlockingQueueTest} for each queue: a lock's own test class extends this one, says how to make the
 * lock, and adds what only that lock does (reentrancy, who may release).
 */
abstract class GilAcquirableTest {

  final GilAcquirable lock = newLock();
  final RecordingHandler handler = new RecordingHandler();

  /**
   * @return a new free lock of the kind under test
   */
  abstract GilAcquirable newLock();

  /**
   * @return a phrase of the message that releasing the free lock gives
   */
  abstract String freeLockMessage();

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
  void timedAcquireTimesOutAfterReleasingAndRetakingTheGil() throws Exception {
    lock.lock();
    boolean acquired = result(handler.start("timed", () -> lock.tryLock(Duration.ofMillis(30))));
    assertThat(acquired).isFalse();
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
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
  void releasingTheFreeLockIsMisuse() {
    assertThatThrownBy(lock::unlock)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining(freeLockMessage());
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
    IOException failure = new IOException("body failed");
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
  void rejectsBadTimeouts() {
    assertThatThrownBy(() -> lock.tryLock(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> lock.tryLock(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("timeout");
  }
}
