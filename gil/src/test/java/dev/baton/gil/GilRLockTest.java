package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link GilRLock}: the {@link GilAcquirableTest} contract, and what reentrancy adds. */
class GilRLockTest extends GilAcquirableTest {

  private final GilRLock rlock = (GilRLock) lock;

  @Override
  GilAcquirable newLock() {
    return new GilRLock();
  }

  @Override
  String freeLockMessage() {
    return "lock is free";
  }

  @Test
  void ownerReentersAndTheLockIsFreeWhenTheCountFallsToZero() throws Exception {
    rlock.lock();
    assertThat(rlock.tryLock(Duration.ZERO)).isTrue();
    assertThat(rlock.tryLock()).isTrue();
    assertThat(rlock.holdCount()).isEqualTo(3);
    rlock.unlock();
    rlock.unlock();
    assertThat(rlock.isLocked()).isTrue();
    rlock.unlock();
    assertThat(rlock.isLocked()).isFalse();
    assertThat(rlock.holdCount()).isZero();
  }

  @Test
  void reentryDoesNotEnterABlockingSection() throws Exception {
    int count =
        result(
            handler.start(
                "owner",
                () -> {
                  rlock.lock();
                  rlock.lock();
                  int held = rlock.holdCount();
                  rlock.unlock();
                  rlock.unlock();
                  return held;
                }));
    assertThat(count).isEqualTo(2);
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void theWaiterThatGetsTheLockOwnsIt() throws Exception {
    rlock.lock();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "waiter",
            () -> {
              rlock.lock();
              boolean owner = rlock.isHeldByCurrentThread();
              rlock.unlock();
              return owner;
            });
    assertThat(handler.awaitEntered()).isTrue();
    rlock.unlock();
    assertThat(result(waiter)).isTrue();
  }

  @Test
  void releaseByANonOwnerIsMisuseNamingTheOwner() throws Exception {
    rlock.lock();
    String owner = Thread.currentThread().getName();
    CompletableFuture<Void> intruder = handler.start("intruder", () -> releaseLock());
    assertThatThrownBy(() -> result(intruder))
        .cause()
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("\"intruder\"")
        .hasMessageContaining("owned by thread \"" + owner + "\"");
    assertThat(rlock.holdCount()).as("the owner still holds it").isEqualTo(1);
    rlock.unlock();
  }

  private Void releaseLock() {
    rlock.unlock();
    return null;
  }

  @Test
  void interruptedWaiterLeavesTheOwnersCount() throws Exception {
    rlock.lock();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "interrupted",
            () -> {
              rlock.lock();
              return true;
            });
    handler.interruptWhileWaiting(waiter);
    assertThat(rlock.holdCount()).isEqualTo(1);
    rlock.unlock();
    assertThat(rlock.isLocked()).isFalse();
  }

  @Test
  void holdReleasesOneLevel() throws Exception {
    rlock.lock();
    try (HeldLock held = rlock.hold()) {
      assertThat(rlock.holdCount()).isEqualTo(2);
    }
    assertThat(rlock.holdCount()).isEqualTo(1);
    rlock.unlock();
  }

  @Test
  void withLockReleasesOneLevel() throws Exception {
    rlock.lock();
    assertThat(rlock.withLock(rlock::holdCount)).isEqualTo(2);
    assertThat(rlock.holdCount()).isEqualTo(1);
    rlock.unlock();
    assertThat(rlock.isLocked()).isFalse();
  }
}
