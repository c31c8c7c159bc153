package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link GilLock}: the {@link GilAcquirableTest} contract, and what a plain lock adds. */
class GilLockTest extends GilAcquirableTest {

  @Override
  GilAcquirable newLock() {
    return new GilLock();
  }

  @Override
  String freeLockMessage() {
    return "not locked";
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
  void zeroTimeoutTriesOnceWithoutEnteringABlockingSection() throws Exception {
    lock.lock();
    boolean acquired = result(handler.start("zero", () -> lock.tryLock(Duration.ZERO)));
    assertThat(acquired).isFalse();
    assertThat(handler.enters).hasValue(0);
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
  void releasingAnUnlockedLockNamesTheThread() {
    assertThatThrownBy(lock::unlock)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining(Thread.currentThread().getName());
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
}
