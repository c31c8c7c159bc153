package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.cluster.forbidden.Gadget;
import dev.baton.process.Pool;
import dev.baton.process.PoolTask;
import dev.baton.process.ProcessPool;
import dev.baton.process.RemoteTaskException;
import dev.baton.process.TaskSerializationException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool's API on a cluster of two members in this JVM: the pool's own member and one more, both
 * shared by every test here. Tasks report the thread they ran on, whose name carries the Hazelcast
 * instance's name, so the tests can tell which member ran what.
 */
class ClusterPoolTest {
  private static String cluster;
  private static int port;
  private static ClusterPool pool;
  private static ClusterMember other;

  @BeforeAll
  static void startCluster() throws InterruptedException {
    cluster = Clusters.uniqueName("pool-test");
    port = Clusters.randomPort();
    pool =
        ClusterPool.builder()
            .name("test")
            .clusterName(cluster)
            .port(port)
            .addresses(Clusters.addresses(port))
            .threads(2)
            .failureDetection(Clusters.FAILURE_DETECTION)
            .build();
    other = member().start();
    await().atMost(Clusters.WAIT).until(() -> pool.memberCount() == 2);
  }

  @AfterAll
  static void stopCluster() {
    if (pool != null) {
      pool.shutdownNow();
    }
    if (other != null) {
      other.close();
    }
  }

  private static ClusterMember.Builder member() {
    return ClusterMember.builder()
        .clusterName(cluster)
        .port(port)
        .addresses(Clusters.addresses(port))
        .threads(2)
        .failureDetection(Clusters.FAILURE_DETECTION);
  }

  /** Runs on a member: the member's executor thread, whose name holds the instance's name. */
  static String where(Integer x) throws InterruptedException {
    Thread.sleep(20);
    return x + "@" + Thread.currentThread().getName();
  }

  @Test
  void everyCallOfThePoolApiReturnsWhatTheProcessPoolWould() throws Exception {
    assertThat(pool.apply(() -> 6 * 7)).isEqualTo(42);
    assertThat(pool.submit(() -> "hi").get(60, TimeUnit.SECONDS)).isEqualTo("hi");
    GATE.set(new CountDownLatch(1));
    CompletableFuture<String> stage =
        pool.submit(ClusterPoolTest::gated).thenApply(x -> Thread.currentThread().getName());
    GATE.get().countDown(); // the future completes only after its dependent stage is attached
    assertThat(stage.get(60, TimeUnit.SECONDS))
        .as("futures complete on the pool's callback threads, not Hazelcast's")
        .startsWith("baton-cluster-test-callbacks-");
    List<Integer> items = IntStream.range(0, 40).boxed().toList();
    assertThat(pool.map(x -> x * x, items)).isEqualTo(items.stream().map(x -> x * x).toList());
    assertThat(pool.map(x -> x + 1, items, 3)).isEqualTo(items.stream().map(x -> x + 1).toList());
    assertThat(
            pool.starmap(
                (Integer a, Integer b) -> a * b, List.of(Map.entry(2, 3), Map.entry(4, 5)), 1))
        .containsExactly(6, 20);
    List<Integer> ordered = new ArrayList<>();
    pool.imap((Integer x) -> x * 2, items, 4).forEachRemaining(ordered::add);
    assertThat(ordered).isEqualTo(items.stream().map(x -> x * 2).toList());
    List<Integer> unordered = new ArrayList<>();
    pool.imapUnordered((Integer x) -> x * 2, items, 4).forEachRemaining(unordered::add);
    assertThat(unordered).containsExactlyInAnyOrderElementsOf(ordered);
  }

  /** Holds a task until the test opens it; both members are in this JVM. */
  static final AtomicReference<CountDownLatch> GATE = new AtomicReference<>();

  static int gated() throws InterruptedException {
    GATE.get().await();
    return 1;
  }

  @Test
  void aMapRunsOnEveryMember() throws InterruptedException {
    List<String> ran = pool.map(ClusterPoolTest::where, IntStream.range(0, 32).boxed().toList(), 1);
    assertThat(ran).hasSize(32);
    assertThat(ran.stream().map(s -> s.substring(s.indexOf('@'))).distinct().count())
        .as("%s", ran)
        .isGreaterThanOrEqualTo(2);
    assertThat(ran)
        .anyMatch(s -> s.contains(pool.name()))
        .anyMatch(s -> s.contains("baton-member"));
  }

  @Test
  void aTaskThatThrowsFailsWithTheRemoteExceptionAndItsTrace() {
    PoolTask<Integer> bad =
        () -> {
          throw new IllegalStateException("no such thing");
        };
    assertThatThrownBy(() -> pool.apply(bad))
        .isInstanceOf(RemoteTaskException.class)
        .hasMessageContaining("IllegalStateException: no such thing")
        .hasMessageContaining("on member 127.0.0.1:")
        .hasCauseInstanceOf(IllegalStateException.class)
        .satisfies(
            e ->
                assertThat(((RemoteTaskException) e).remoteStackTrace())
                    .contains("ClusterPoolTest"));
  }

  /** Not serializable: a lambda capturing it cannot travel. */
  static final class Unserializable {
    int value() {
      return 1;
    }
  }

  @Test
  void aTaskThatCannotBeSerializedFailsAtSubmitWithTheProcessPoolsMessage() throws Exception {
    Unserializable captured = new Unserializable();
    PoolTask<Integer> task = captured::value;
    TaskSerializationException cluster =
        org.junit.jupiter.api.Assertions.assertThrows(
            TaskSerializationException.class, () -> pool.submit(task));
    try (ProcessPool processes = ProcessPool.builder().workers(1).build()) {
      TaskSerializationException local =
          org.junit.jupiter.api.Assertions.assertThrows(
              TaskSerializationException.class, () -> processes.submit(task));
      assertThat(cluster.getMessage()).isEqualTo(local.getMessage());
    }
    assertThat(cluster.getMessage()).contains("cannot be serialized").contains("Unserializable");
  }

  @Test
  void theAllowListAppliesToArgumentsOnTheMemberAndToResultsInTheCaller() {
    assertThatThrownBy(() -> pool.map((Object g) -> 1, List.of(new Gadget(1)), 1))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("refused task")
        .hasMessageContaining(Gadget.class.getName())
        .hasMessageContaining("allow-list");
    assertThatThrownBy(() -> pool.apply(() -> new Gadget(2)))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("was refused")
        .hasMessageContaining(Gadget.class.getName())
        .hasMessageContaining("allow-list");
  }

  @Test
  void aMemberThatJoinsDuringAMapReceivesWork() throws Exception {
    List<Integer> items = IntStream.range(0, 60).boxed().toList();
    Iterator<String> results = pool.imap(ClusterPoolTest::where, items, 1);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      seen.add(results.next());
    }
    try (ClusterMember late = member().start()) {
      String name = lateInstance(late);
      // the pool hears of the member after its start returns; the imap sends nothing more until
      // the next result is taken, so the chunks still to come meet the member, whatever the timing
      await().atMost(Clusters.WAIT).until(() -> pool.memberCount() == 3);
      while (results.hasNext()) {
        seen.add(results.next());
      }
      assertThat(seen).hasSize(items.size());
      assertThat(seen).as("a chunk ran on the member that joined").anyMatch(s -> s.contains(name));
    }
    // the other tests share the cluster: give it back as it was, the late member gone from the view
    await().atMost(Clusters.WAIT).until(() -> pool.memberCount() == 2);
  }

  private static String lateInstance(ClusterMember m) {
    return m.instanceName();
  }

  /** Counts the runs of {@link #counted}: both members are in this JVM, so they share it. */
  static final AtomicInteger RUNS = new AtomicInteger();

  static int counted() {
    return RUNS.incrementAndGet();
  }

  /** Holds a slot for a while; the slots of both members are taken by as many of these. */
  static int sleeper() throws InterruptedException {
    Thread.sleep(1_500);
    return 0;
  }

  @Test
  void cancellingAQueuedTaskRemovesItFromTheQueue() throws Exception {
    List<CompletableFuture<Integer>> sleepers = new ArrayList<>();
    // every task thread, and the task sent ahead behind it (2 per thread, the default)
    for (int i = 2 * pool.slots(); i > 0; i--) {
      sleepers.add(pool.submit(ClusterPoolTest::sleeper));
    }
    int before = RUNS.get();
    CompletableFuture<Integer> queued = pool.submit(ClusterPoolTest::counted);
    assertThat(queued.cancel(false)).isTrue();
    for (CompletableFuture<Integer> f : sleepers) {
      assertThat(f.get(60, TimeUnit.SECONDS)).isZero();
    }
    // FIFO: every slot has since taken a task queued after the cancelled one
    pool.map(x -> x, IntStream.range(0, 2 * pool.slots()).boxed().toList(), 1);
    assertThat(RUNS.get()).isEqualTo(before);
    assertThat(queued.isCancelled()).isTrue();
  }

  @Test
  void shutdownWithCancelPendingCancelsTheQueueAndLetsRunningTasksFinish() throws Exception {
    ClusterPool client =
        ClusterPool.builder()
            .name("closing")
            .clusterName(cluster)
            .addresses(Clusters.addresses(port))
            .client()
            .awaitMembers(2)
            .build();
    List<CompletableFuture<Integer>> running = new ArrayList<>();
    for (int i = 2 * client.slots(); i > 0; i--) { // every thread and the task sent ahead of it
      running.add(client.submit(ClusterPoolTest::sleeper));
    }
    CompletableFuture<Integer> queued = client.submit(() -> 7);
    client.shutdown(Pool.QueuedTasks.CANCEL);
    assertThat(queued).isCancelled();
    assertThat(client.awaitTermination(Clusters.WAIT)).isTrue();
    for (CompletableFuture<Integer> f : running) {
      assertThat(f).isCompletedWithValue(0);
    }
    assertThat(client.isTerminated()).isTrue();
    client.close(); // a second close, after termination, does nothing
    client.shutdownNow();
    assertThat(client.isTerminated()).isTrue();
  }

  @Test
  void aClientPoolRunsTasksOnTheMembersAndRefusesTasksOnceShutDown() throws Exception {
    Pool client =
        ClusterPool.builder()
            .name("client")
            .clusterName(cluster)
            .addresses(Clusters.addresses(port))
            .client()
            .awaitMembers(2)
            .build();
    try {
      List<String> ran = client.map(ClusterPoolTest::where, List.of(1, 2, 3, 4), 1);
      assertThat(ran).hasSize(4).noneMatch(s -> s.contains("client"));
      CompletableFuture<Integer> f = client.submit(() -> 5);
      assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(5);
    } finally {
      client.close();
    }
    assertThat(client.isTerminated()).isTrue();
    assertThatThrownBy(() -> client.submit(() -> 1))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("after it was shut down")
        .hasMessageContaining(Thread.currentThread().getName());
  }
}
