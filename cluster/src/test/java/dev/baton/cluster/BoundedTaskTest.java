package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bounded tasks: a deadline or {@code cancel(true)} reaches the member, which interrupts the task,
 * and frees its slot; {@code close()} ends within a bounded time even when a task never returns,
 * and leaves no thread. The pool's own member has one thread, so a slot that stayed taken would
 * keep the next task from running.
 */
class BoundedTaskTest {
  private static final AtomicInteger STARTED = new AtomicInteger();
  private static final AtomicInteger INTERRUPTED = new AtomicInteger();

  private static String cluster;
  private static int port;
  private static ClusterPool pool;

  @BeforeAll
  static void startPool() throws InterruptedException {
    cluster = Clusters.uniqueName("bounded-test");
    port = Clusters.randomPort();
    pool = builder("bounded").build();
  }

  @AfterAll
  static void stopPool() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private static ClusterPool.Builder builder(String name) {
    return ClusterPool.builder()
        .name(name)
        .clusterName(cluster)
        .port(port)
        .addresses(Clusters.addresses(port))
        .threads(1)
        .failureDetection(Clusters.FAILURE_DETECTION);
  }

  /** Runs until interrupted. */
  static int sleepForever() throws InterruptedException {
    STARTED.incrementAndGet();
    try {
      Thread.sleep(600_000);
    } catch (InterruptedException e) {
      INTERRUPTED.incrementAndGet();
      throw e;
    }
    return 0;
  }

  @Test
  void aMissedDeadlineFailsTheCallInterruptsTheTaskOnItsMemberAndFreesItsSlot() throws Exception {
    int interrupted = INTERRUPTED.get();
    assertThatThrownBy(() -> pool.apply(BoundedTaskTest::sleepForever, Duration.ofMillis(300)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("missed the deadline of PT0.3S")
        .hasMessageContaining("apply(task, PT0.3S)");
    Awaitility.await().atMost(Clusters.WAIT).until(() -> INTERRUPTED.get() > interrupted);
    assertThat(pool.apply(() -> 7, Duration.ofSeconds(60))).isEqualTo(7);

    assertThatThrownBy(
            () ->
                pool.map(
                    (Integer x) -> sleepForever(), List.of(1, 2, 3), 1, Duration.ofMillis(300)))
        .isInstanceOf(TimeoutException.class)
        .hasMessageContaining("map(fn, items, 1, PT0.3S)");
    assertThat(pool.apply(() -> 8)).isEqualTo(8);
  }

  @Test
  void cancelWithInterruptReachesTheMemberAndFreesTheSlot() throws Exception {
    int started = STARTED.get();
    int interrupted = INTERRUPTED.get();
    CompletableFuture<Integer> f = pool.submit(BoundedTaskTest::sleepForever);
    Awaitility.await().atMost(Clusters.WAIT).until(() -> STARTED.get() > started);
    assertThat(f.cancel(true)).isTrue();
    Awaitility.await().atMost(Clusters.WAIT).until(() -> INTERRUPTED.get() > interrupted);
    assertThat(pool.apply(() -> 9)).isEqualTo(9);
  }

  @Test
  void closeEndsInBoundedTimeWithATaskThatNeverReturnsAndLeavesNoThread() throws Exception {
    ClusterPool closing =
        builder("closing")
            .port(port + 50)
            .addresses(Clusters.addresses(port + 50))
            .clusterName(cluster + "-closing")
            .closeTimeout(Duration.ofSeconds(1))
            .build();
    int started = STARTED.get();
    CompletableFuture<Integer> f = closing.submit(BoundedTaskTest::sleepForever);
    Awaitility.await().atMost(Clusters.WAIT).until(() -> STARTED.get() > started);
    assertTimeoutPreemptively(Clusters.WAIT, closing::close);
    assertThat(closing.isTerminated()).isTrue();
    assertThat(f).isDone();
    Awaitility.await()
        .atMost(Clusters.WAIT)
        .untilAsserted(
            () ->
                assertThat(Thread.getAllStackTraces().keySet())
                    .filteredOn(Thread::isAlive)
                    .extracting(Thread::getName)
                    .noneMatch(n -> n.contains("closing")));
  }
}
