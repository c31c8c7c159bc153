package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.process.PoolTask;
import dev.baton.process.WorkerCrashedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member JVM killed with SIGKILL in the middle of its tasks: only the tasks it held fail, with
 * {@link MemberLostException} naming it (at most once), or run again on another member when they
 * were submitted with retries (at least once); the other tasks complete and no wait hangs. The
 * pool's own member (2 threads) is shared by the tests; each test forks the member it kills.
 *
 * <p>Each task sleeps for a minute on the forked member; on the pool's member it waits until the
 * test has submitted every task, then returns. So while the tasks are submitted no slot frees, and
 * the pool's placement (the member with the most free places) gives each member exactly its slots'
 * worth, whatever the timing; the rest waits in the queue and goes to the pool's member once it
 * answers. Once the pool's member has answered its share, the tasks left are exactly those the
 * forked member holds, sleeping, when it is killed. (A task that returned at once would free its
 * slot before the next submit whenever the pool's member is quick, and the next task would go
 * there: the forked member would hold fewer.)
 */
class MemberFailureTest {
  private static final int SLOTS = 2;

  private static String cluster;
  private static int port;
  private static ClusterPool pool;
  private static final List<ForkedMember> forked = new ArrayList<>();

  /** Opened once a test has submitted every task; the pool's member waits for it (same JVM). */
  private static volatile CountDownLatch submitted = new CountDownLatch(0);

  @BeforeAll
  static void startPool() throws InterruptedException {
    cluster = Clusters.uniqueName("failure-test");
    port = Clusters.randomPort();
    pool =
        ClusterPool.builder()
            .name("failure")
            .clusterName(cluster)
            .port(port)
            .addresses(Clusters.addresses(port))
            .threads(SLOTS)
            .tasksInFlightPerThread(1) // a member holds only what it runs: the counts below
            .failureDetection(Clusters.FAILURE_DETECTION)
            .build();
  }

  /** Each test starts with the pool's member alone, whatever the previous test left. */
  @AfterEach
  void killTheForkedMembers() {
    forked.forEach(ForkedMember::close);
    Awaitility.await().atMost(Clusters.WAIT).until(() -> pool.memberCount() == 1);
  }

  @AfterAll
  static void stopAll() {
    forked.forEach(ForkedMember::close);
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  private static ForkedMember fork() throws InterruptedException {
    ForkedMember m =
        ClusterMember.builder()
            .clusterName(cluster)
            .port(port)
            .addresses(Clusters.addresses(port))
            .threads(SLOTS)
            .failureDetection(Clusters.FAILURE_DETECTION)
            .jvmOptions("-XX:+UseSerialGC", "-Xmx128m")
            .fork();
    forked.add(m);
    Awaitility.await().atMost(Clusters.WAIT).until(() -> pool.memberCount() >= 2);
    assertThat(pool.memberAddresses())
        .as("the pool's members once %s (pid %d) has joined", m.address(), m.pid())
        .hasSize(2);
    return m;
  }

  /**
   * Returns this JVM's pid on the member of {@code home} once every task is submitted, else sleeps
   * for a minute.
   */
  private static PoolTask<Long> stuckAwayFrom(long home) {
    return () -> {
      long pid = ProcessHandle.current().pid();
      if (pid != home) {
        Thread.sleep(60_000);
      } else if (!submitted.await(Clusters.WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("the test did not finish submitting its tasks");
      }
      return pid;
    };
  }

  /** Submits 3 rounds of slots' worth; waits until the pool's member has answered its share. */
  private static List<CompletableFuture<Long>> submitAndWaitForTheLocalShare(int retries) {
    long home = ProcessHandle.current().pid();
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    CountDownLatch all = new CountDownLatch(1);
    submitted = all;
    try {
      for (int i = 0; i < 3 * SLOTS; i++) {
        futures.add(pool.submitRetryable(stuckAwayFrom(home), retries));
      }
    } finally {
      all.countDown();
    }
    try {
      Awaitility.await()
          .atMost(Clusters.WAIT)
          .until(() -> futures.stream().filter(CompletableFuture::isDone).count() >= 2 * SLOTS);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "the pool's member did not answer its share; members "
              + pool.memberAddresses()
              + ", "
              + outcomes(futures),
          e);
    }
    assertThat(futures.stream().filter(CompletableFuture::isDone).count())
        .as("tasks done once the pool's member has answered its share: %s", outcomes(futures))
        .isEqualTo(2 * SLOTS);
    return futures;
  }

  /** Each future's state, for a failure's message: its value, its failure, or "running". */
  private static String outcomes(List<CompletableFuture<Long>> futures) {
    List<String> states = new ArrayList<>();
    for (CompletableFuture<Long> f : futures) {
      if (!f.isDone()) {
        states.add("running");
      } else if (f.isCompletedExceptionally()) {
        states.add("failed: " + f.exceptionNow());
      } else {
        states.add("pid " + f.resultNow());
      }
    }
    return "pool's pid " + ProcessHandle.current().pid() + ", " + states;
  }

  private static Throwable failureOf(CompletableFuture<Long> f) throws InterruptedException {
    try {
      f.get(Clusters.WAIT.toSeconds(), TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("a task hung after its member was killed", e);
    }
  }

  @Test
  void aKilledMemberFailsOnlyTheTasksItHeldNamingIt() throws Exception {
    ForkedMember victim = fork();
    List<CompletableFuture<Long>> futures = submitAndWaitForTheLocalShare(0);
    List<CompletableFuture<Long>> held = futures.stream().filter(f -> !f.isDone()).toList();
    assertThat(held).hasSize(SLOTS);
    long lostBefore = pool.tasksLost();
    victim.kill();

    for (CompletableFuture<Long> f : held) {
      Throwable failure = failureOf(f);
      assertThat(failure)
          .isInstanceOf(MemberLostException.class)
          .isInstanceOf(WorkerCrashedException.class)
          .hasMessageContaining("member " + victim.address())
          .hasMessageContaining("pid " + victim.pid())
          .hasMessageContaining("submitRetryable");
      MemberLostException lost = (MemberLostException) failure;
      assertThat(lost.member()).isEqualTo(victim.address());
      assertThat(lost.pid()).isEqualTo(victim.pid());
      assertThat(lost.memberUuid().toString()).isEqualTo(victim.uuid());
    }
    for (CompletableFuture<Long> f : futures) {
      if (!held.contains(f)) {
        assertThat(f.get()).isEqualTo(ProcessHandle.current().pid());
      }
    }
    assertThat(pool.tasksLost() - lostBefore).isEqualTo(SLOTS);
    Awaitility.await().atMost(Clusters.WAIT).until(() -> pool.memberCount() == 1);
    assertThat(pool.apply(() -> "still serving")).isEqualTo("still serving");
  }

  @Test
  void aRetryableTaskOfAKilledMemberRunsAgainOnAnotherMember() throws Exception {
    ForkedMember victim = fork();
    List<CompletableFuture<Long>> futures = submitAndWaitForTheLocalShare(1);
    List<CompletableFuture<Long>> held = futures.stream().filter(f -> !f.isDone()).toList();
    assertThat(held).hasSize(SLOTS);
    long retriedBefore = pool.tasksRetried();
    victim.kill();

    for (CompletableFuture<Long> f : held) {
      assertThat(failureOf(f)).isNull();
      assertThat(f.get())
          .as("ran again on the pool's member")
          .isEqualTo(ProcessHandle.current().pid());
    }
    assertThat(pool.tasksRetried() - retriedBefore).isEqualTo(SLOTS);
    for (CompletableFuture<Long> f : futures) {
      assertThat(f.get()).isEqualTo(ProcessHandle.current().pid());
    }
  }
}
