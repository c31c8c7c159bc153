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
    lock.acquire();
    assertThat(lock.acquire(Duration.ZERO)).isTrue();
    assertThat(lock.tryAcquire()).isTrue();
    assertThat(lock.holdCount()).isEqualTo(3);
    lock.release();
    lock.release();
    assertThat(lock.isLocked()).isTrue();
    lock.release();
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
                  lock.acquire();
                  lock.acquire();
                  int held = lock.holdCount();
                  lock.release();
                  lock.release();
                  return held;
                }));
    assertThat(count).isEqualTo(2);
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void contendedAcquireWaitsInsideABlockingSection() throws Exception {
    lock.acquire();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "waiter",
            () -> {
              lock.acquire();
              boolean owner = lock.isHeldByCurrentThread();
              lock.release();
              return owner;
            });
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(waiter).isNotDone();
    lock.release();
    assertThat(result(waiter)).isTrue();
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void timedAcquireTimesOut() throws Exception {
    lock.acquire();
    assertThat(result(handler.start("timed", () -> lock.acquire(Duration.ofMillis(30))))).isFalse();
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void interruptWhileWaitingThrowsWithoutTheLock() throws Exception {
    lock.acquire();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "interrupted",
            () -> {
              lock.acquire();
              return true;
            });
    handler.interruptWhileWaiting(waiter);
    assertThat(lock.holdCount()).isEqualTo(1);
    lock.release();
    assertThat(lock.isLocked()).isFalse();
  }

  @Test
  void releaseByANonOwnerIsMisuseNamingTheOwner() throws Exception {
    lock.acquire();
    String owner = Thread.currentThread().getName();
    CompletableFuture<Void> intruder = handler.start("intruder", () -> releaseLock());
    assertThatThrownBy(() -> result(intruder))
        .cause()
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("\"intruder\"")
        .hasMessageContaining("owned by thread \"" + owner + "\"");
    assertThat(lock.holdCount()).as("the owner still holds it").isEqualTo(1);
    lock.release();
  }

  private Void releaseLock() {
    lock.release();
    return null;
  }

  @Test
  void releaseOfAFreeLockIsMisuse() {
    assertThatThrownBy(lock::release)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("lock is free");
  }

  @Test
  void holdReleasesOneLevel() throws Exception {
    lock.acquire();
    try (HeldLock held = lock.hold()) {
      assertThat(lock.holdCount()).isEqualTo(2);
    }
    assertThat(lock.holdCount()).isEqualTo(1);
    lock.release();
  }

  @Test
  void rejectsBadTimeouts() {
    assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> lock.acquire(null)).isInstanceOf(NullPointerException.class);
  }
}
