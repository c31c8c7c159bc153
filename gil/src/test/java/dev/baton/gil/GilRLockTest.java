package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GilRLockTest {

  private final GilRLock lock = new GilRLock();
  private final RecordingHandler handler = new RecordingHandler();

  @Test
  void ownerReentersAndTheLockIsFreeWhenTheCountFallsToZero() throws Exception {
    lock.lock();
    assertThat(lock.tryLock(Duration.ZERO)).isTrue();
    assertThat(lock.tryLock()).isTrue();
    assertThat(lock.holdCount()).isEqualTo(3);
    lock.unlock();
    lock.unlock();
    assertThat(lock.isLocked()).isTrue();
    lock.unlock();
    assertThat(lock.isLocked()).isFalse();
    assertThat(lock.holdCount()).isZero();
  }

  @Test
  void reentryAndUncontendedAcquireDoNotEnterABlockingSection() throws Exception {
    int count =
        result(
            handler.start(
                "owner",
                () -> {
                  lock.lock();
                  lock.lock();
                  int held = lock.holdCount();
                  lock.unlock();
                  lock.unlock();
                  return held;
                }));
    assertThat(count).isEqualTo(2);
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void contendedAcquireWaitsInsideABlockingSection() throws Exception {
    lock.lock();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "waiter",
            () -> {
              lock.lock();
              boolean owner = lock.isHeldByCurrentThread();
              lock.unlock();
              return owner;
            });
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(waiter).isNotDone();
    lock.unlock();
    assertThat(result(waiter)).isTrue();
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void timedAcquireTimesOut() throws Exception {
    lock.lock();
    assertThat(result(handler.start("timed", () -> lock.tryLock(Duration.ofMillis(30))))).isFalse();
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void interruptWhileWaitingThrowsWithoutTheLock() throws Exception {
    lock.lock();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "interrupted",
            () -> {
              lock.lock();
              return true;
            });
    handler.interruptWhileWaiting(waiter);
    assertThat(lock.holdCount()).isEqualTo(1);
    lock.unlock();
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void releaseByANonOwnerIsMisuseNamingTheOwner() throws Exception {
    lock.lock();
    String owner = Thread.currentThread().getName();
    CompletableFuture<Void> intruder = handler.start("intruder", () -> releaseLock());
    assertThatThrownBy(() -> result(intruder))
        .cause()
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("\"intruder\"")
        .hasMessageContaining("owned by thread \"" + owner + "\"");
    assertThat(lock.holdCount()).as("the owner still holds it").isEqualTo(1);
    lock.unlock();
  }

  private Void releaseLock() {
    lock.unlock();
    return null;
  }

  @Test
  void releaseOfAFreeLockIsMisuse() {
    assertThatThrownBy(lock::unlock)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("lock is free");
  }

  @Test
  void holdReleasesOneLevel() throws Exception {
    lock.lock();
    try (HeldLock held = lock.hold()) {
      assertThat(lock.holdCount()).isEqualTo(2);
    }
    assertThat(lock.holdCount()).isEqualTo(1);
    lock.unlock();
  }

  @Test
  void withLockReleasesOneLevel() throws Exception {
    lock.lock();
    assertThat(lock.withLock(lock::holdCount)).isEqualTo(2);
    assertThat(lock.holdCount()).isEqualTo(1);
    lock.unlock();
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void rejectsBadTimeouts() {
    assertThatThrownBy(() -> lock.tryLock(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> lock.tryLock(null)).isInstanceOf(NullPointerException.class);
  }
}
