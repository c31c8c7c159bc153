package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines per call: a task or a map given a timeout fails with a {@link TimeoutException} once it
 * passes (a blocking call throws it; an iterator throws it in a {@link CompletionException}),
 * wherever the task is (queued, sent ahead, running), the worker running it is replaced, and the
 * pool's other callers are unaffected.
 */
class DeadlineTest {
  @TempDir Path dir;

  private static final Duration SHORT = Duration.ofMillis(300);

  private static long pidIn(Path file) throws Exception {
    await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
    return Long.parseLong(Files.readString(file));
  }

  @Test
  void aRunningTaskPastItsDeadlineFailsAndOnlyItsWorkerIsReplaced() throws Exception {
    try (ProcessPool pool = Pools.lean(2).name("deadline-running").build()) {
      Path started = dir.resolve("started");
      Path gate = dir.resolve("gate");
      await().atMost(Duration.ofSeconds(60)).until(() -> pool.workerPids().size() == 2);
      Path otherStarted = dir.resolve("other-started");
      CompletableFuture<Long> other =
          pool.submit(CrashRecoveryTest.parked(otherStarted.toString(), gate.toString()));
      long otherPid = pidIn(otherStarted);
      List<Long> before = pool.workerPids();
      long pid = before.get(0) == otherPid ? before.get(1) : before.get(0);
      // the idle worker gets it at once: it is running there, as far as the pool knows
      CompletableFuture<Long> late =
          pool.submit(
              CrashRecoveryTest.parked(started.toString(), dir.resolve("never").toString()), SHORT);

      Throwable failure = Pools.failureOf(late);
      assertThat(failure)
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("missed the deadline of " + SHORT)
          .hasMessageContaining("was running it and was killed and replaced");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> pool.workerPids().size() == 2 && !pool.workerPids().contains(pid));
      assertThat(pool.workersReplaced()).isEqualTo(1);

      Files.createFile(gate);
      assertThat(other.get(60, TimeUnit.SECONDS)).isEqualTo(otherPid);
      assertThat(pool.workerPids()).contains(otherPid);
      assertThat(pool.apply(() -> "after", Duration.ofSeconds(60))).isEqualTo("after");
    }
  }

  @Test
  void tasksQueuedOrSentAheadPastTheirDeadlineFailWithoutKillingTheBusyWorker() throws Exception {
    try (ProcessPool pool = Pools.lean(1).name("deadline-queued").build()) {
      Path started = dir.resolve("started");
      Path gate = dir.resolve("gate");
      CompletableFuture<Long> busy =
          pool.submit(CrashRecoveryTest.parked(started.toString(), gate.toString()));
      long pid = pidIn(started);
      // the queued task's deadline comes first, so that taking back the other does not send it
      CompletableFuture<String> ahead = pool.submit(() -> "ahead", Duration.ofSeconds(1));
      CompletableFuture<String> queued = pool.submit(() -> "queued", SHORT);

      assertThat(Pools.failureOf(ahead))
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("sent ahead to worker")
          .hasMessageContaining("taken back");
      assertThat(Pools.failureOf(queued))
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("still queued");

      Files.createFile(gate);
      assertThat(busy.get(60, TimeUnit.SECONDS)).isEqualTo(pid);
      assertThat(pool.apply(() -> "next")).isEqualTo("next");
      assertThat(pool.workerPids()).containsExactly(pid);
      assertThat(pool.workersReplaced()).isZero();
    }
  }

  @Test
  void aTaskWithinItsDeadlineCompletesNormally() throws Exception {
    try (ProcessPool pool = Pools.lean(1).name("deadline-met").build()) {
      long pid = pool.workerPids().get(0);
      for (int i = 0; i < 5; i++) {
        int n = i;
        assertThat(pool.apply(() -> n * 2, Duration.ofSeconds(60))).isEqualTo(n * 2);
      }
      assertThat(pool.map(x -> x + 1, List.of(1, 2, 3), 1, Duration.ofSeconds(60)))
          .containsExactly(2, 3, 4);
      Pool contract = pool; // the deadline overloads are the Pool contract's
      assertThat(contract.apply(() -> "via Pool", Duration.ofSeconds(60))).isEqualTo("via Pool");
      assertThat(contract.submit(() -> 7, Duration.ofSeconds(60)).get(60, TimeUnit.SECONDS))
          .isEqualTo(7);
      assertThat(pool.workerPids()).containsExactly(pid);
    }
  }

  @Test
  void aMapPastItsDeadlineFailsAsAWholeAndThePoolServesOn() throws Exception {
    try (ProcessPool pool = Pools.lean(2).name("deadline-map").build()) {
      List<Integer> items = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        items.add(i);
      }
      String never = dir.resolve("never").toString();
      PoolFunction<Integer, Integer> stuck =
          x -> {
            while (!Files.exists(Path.of(never))) {
              Thread.sleep(10);
            }
            return x;
          };
      await().atMost(Duration.ofSeconds(60)).until(() -> pool.workerPids().size() == 2);
      List<Long> before = pool.workerPids();
      // both workers hold a chunk from the start, so both are running one at the deadline
      assertThatThrownBy(() -> pool.map(stuck, items, 1, SHORT))
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("set by map(fn, items, 1, " + SHORT + ")");
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  pool.workerPids().size() == 2
                      && pool.workerPids().stream().noneMatch(before::contains));
      assertThat(pool.workersReplaced()).isEqualTo(2);
      assertThat(pool.map(x -> x * 3, List.of(1, 2), 1)).containsExactly(3, 6);
    }
  }

  @Test
  void anImapPastItsDeadlineStopsWhereTheResultsStop() throws Exception {
    try (ProcessPool pool = Pools.lean(1).name("deadline-imap").build()) {
      String never = dir.resolve("never").toString();
      PoolFunction<Integer, Integer> slowAtThree =
          x -> {
            while (x == 3 && !Files.exists(Path.of(never))) {
              Thread.sleep(10);
            }
            return x;
          };
      List<Integer> items = List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
      Iterator<Integer> it = pool.imap(slowAtThree, items, 1, Duration.ofSeconds(3));
      List<Integer> seen = new ArrayList<>();
      assertThatThrownBy(
              () -> {
                while (it.hasNext()) {
                  seen.add(it.next());
                }
              })
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(TimeoutException.class);
      assertThat(List.of(0, 1, 2)).startsWith(seen.toArray(Integer[]::new));
      assertThat(pool.apply(() -> "after")).isEqualTo("after");
    }
  }

  @Test
  void anUnorderedImapPastItsDeadlineFailsToo() throws Exception {
    try (ProcessPool pool = Pools.lean(1).name("deadline-unordered").build()) {
      String never = dir.resolve("never").toString();
      PoolFunction<Integer, Integer> stuck =
          x -> {
            while (!Files.exists(Path.of(never))) {
              Thread.sleep(10);
            }
            return x;
          };
      Iterator<Integer> it = pool.imapUnordered(stuck, List.of(1, 2, 3), 1, SHORT);
      assertThatThrownBy(it::next)
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("set by imapUnordered(fn, items, 1, " + SHORT + ")");
      assertThat(pool.apply(() -> "after")).isEqualTo("after");
    }
  }

  @Test
  void aBlockingApplyPastItsDeadlineThrowsTheTimeoutItself() throws Exception {
    try (ProcessPool pool = Pools.lean(1).name("deadline-apply").build()) {
      String never = dir.resolve("never").toString();
      long pid = pool.workerPids().get(0);
      assertThatThrownBy(
              () ->
                  pool.apply(
                      () -> {
                        while (!Files.exists(Path.of(never))) {
                          Thread.sleep(10);
                        }
                        return 1;
                      },
                      SHORT))
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("set by apply(task, " + SHORT + ")");
      assertThat(pool.apply(() -> "after")).isEqualTo("after");
      assertThat(pool.workerPids()).doesNotContain(pid);
    }
  }

  @Test
  void aTimeoutMustBePositive() throws Exception {
    try (ProcessPool pool = Pools.lean(1).name("deadline-args").build()) {
      assertThatThrownBy(() -> pool.submit(() -> 1, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("timeout must be positive");
      assertThatThrownBy(() -> pool.map(x -> x, List.of(1), 1, Duration.ofSeconds(-1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
