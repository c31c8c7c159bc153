package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A caller's deadline fails its task's future on the pool's callback threads, never on the pool's
 * timer: a dependent stage that blocks holds up no other deadline, nor the pool's own checks.
 */
class DeadlineCallbackTest {
  private static ClusterPool pool;

  @BeforeAll
  static void startPool() throws InterruptedException {
    int port = Clusters.randomPort();
    pool =
        ClusterPool.builder()
            .name("deadline-callbacks")
            .clusterName(Clusters.uniqueName("deadline-callback-test"))
            .port(port)
            .addresses(Clusters.addresses(port))
            .threads(1)
            .failureDetection(Clusters.FAILURE_DETECTION)
            .build();
  }

  @AfterAll
  static void stopPool() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  /** Runs until interrupted. */
  static int sleepLong() throws InterruptedException {
    Thread.sleep(600_000);
    return 0;
  }

  @Test
  void aDependentThatBlocksOnAMissedDeadlineHoldsUpNoOtherDeadline() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<String> dependentThread = new AtomicReference<>();
    Thread test = Thread.currentThread();
    CompletableFuture<Integer> first =
        pool.submit(DeadlineCallbackTest::sleepLong, Duration.ofSeconds(1));
    CompletableFuture<Integer> second =
        pool.submit(DeadlineCallbackTest::sleepLong, Duration.ofMillis(1500));
    first.whenComplete(
        (r, t) -> {
          dependentThread.set(Thread.currentThread().getName());
          if (Thread.currentThread() == test) {
            return; // the deadline passed before this stage was attached: nothing to hold up
          }
          try {
            release.await(60, TimeUnit.SECONDS); // a user's stage that blocks
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    try {
      Awaitility.await().atMost(Duration.ofSeconds(15)).until(second::isDone);
      assertThat(second)
          .failsWithin(Duration.ZERO)
          .withThrowableThat()
          .havingRootCause()
          .isInstanceOf(TimeoutException.class);
      assertThat(first).isCompletedExceptionally();
      assertThat(dependentThread.get()).contains("-callbacks-").doesNotContain("timer");
    } finally {
      release.countDown();
    }
  }
}
