package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GilBoundedSemaphoreTest {

  @Test
  void releaseWithinTheBoundWorksFromAnyThread() throws Exception {
    GilBoundedSemaphore semaphore = new GilBoundedSemaphore(2);
    semaphore.acquire();
    semaphore.acquire();
    result(CompletableFuture.runAsync(() -> semaphore.release(2)));
    assertThat(semaphore.availablePermits()).isEqualTo(2);
    assertThat(semaphore.maxPermits()).isEqualTo(2);
  }

  @Test
  void releasePastTheInitialValueIsMisuseAndReleasesNothing() throws Exception {
    GilBoundedSemaphore semaphore = new GilBoundedSemaphore(2);
    semaphore.acquire();
    assertThatThrownBy(() -> semaphore.release(2))
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("which would raise its value past")
        .hasMessageContaining(Thread.currentThread().getName())
        .hasMessageContaining("initial value 2");
    assertThat(semaphore.availablePermits()).isEqualTo(1);
    semaphore.release();
    assertThatThrownBy(semaphore::release)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("which would raise its value past");
    assertThat(semaphore.availablePermits()).isEqualTo(2);
  }

  @Test
  void defaultsToOnePermit() {
    GilBoundedSemaphore semaphore = new GilBoundedSemaphore();
    assertThat(semaphore.maxPermits()).isEqualTo(1);
    assertThatThrownBy(semaphore::release)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("which would raise its value past");
  }

  @Test
  void waitsLikeASemaphore() throws Exception {
    GilBoundedSemaphore semaphore = new GilBoundedSemaphore(1);
    semaphore.acquire();
    RecordingHandler handler = new RecordingHandler();
    CompletableFuture<Boolean> waiter =
        handler.start(
            "waiter",
            () -> semaphore.tryAcquire(Duration.ofSeconds(RecordingHandler.WAIT_SECONDS)));
    assertThat(handler.awaitEntered()).isTrue();
    semaphore.release();
    assertThat(result(waiter)).isTrue();
    assertThat(semaphore.availablePermits()).isZero();
  }

  @Test
  void concurrentOverReleasesNeverPassTheBound() throws Exception {
    GilBoundedSemaphore semaphore = new GilBoundedSemaphore(1);
    semaphore.acquire();
    int threads = 4;
    List<CompletableFuture<Boolean>> releasers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      releasers.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  semaphore.release();
                  return true;
                } catch (BatonMisuseException expected) {
                  return false;
                }
              }));
    }
    int succeeded = 0;
    for (CompletableFuture<Boolean> releaser : releasers) {
      succeeded += result(releaser) ? 1 : 0;
    }
    assertThat(succeeded).isEqualTo(1);
    assertThat(semaphore.availablePermits()).isEqualTo(1);
  }

  @Test
  void rejectsANegativeValue() {
    assertThatThrownBy(() -> new GilBoundedSemaphore(-3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-3");
  }
}
