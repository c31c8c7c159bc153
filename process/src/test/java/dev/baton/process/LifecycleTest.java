package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configurations that need their own pool: timeouts, recycling, initializers, shutdown. */
class LifecycleTest {

  @Test
  void aTaskOverTheTimeoutFailsAndItsWorkerIsReplaced() throws Exception {
    try (ProcessPool pool = Pools.lean(1).taskTimeout(Duration.ofMillis(1500)).build()) {
      long pid = pool.workerPids().get(0);
      CompletableFuture<Integer> slow =
          pool.submit(
              () -> {
                Thread.sleep(60_000);
                return 1;
              });
      CompletableFuture<Integer> next = pool.submit(() -> 2);
      Throwable failure = Pools.failureOf(slow);
      assertThat(failure)
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("PT1.5S")
          .hasMessageContaining("replaced");
      assertThat(next.get(30, TimeUnit.SECONDS)).isEqualTo(2);
      // a blocking call that takes no timeout throws it as CompletableFuture.join() would
      assertThatThrownBy(
              () ->
                  pool.apply(
                      () -> {
                        Thread.sleep(60_000);
                        return 1;
                      }))
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("PT1.5S");
      assertThat(pool.workersReplaced()).isEqualTo(2);
      assertThat(pool.workerPids()).doesNotContain(pid);
    }
  }

  @Test
  void recyclingWorkersAfterMaxTasksServesFarMoreTasksThanWorkersTimesLimit() throws Exception {
    try (ProcessPool pool = Pools.lean(2).maxTasksPerWorker(2).build()) {
      List<Long> pids =
          pool.map(x -> ProcessHandle.current().pid(), IntStream.range(0, 16).boxed().toList(), 1);
      assertThat(pids).hasSize(16);
      Set<Long> distinct = new HashSet<>(pids);
      assertThat(distinct).hasSizeGreaterThanOrEqualTo(8);
      for (long pid : distinct) {
        assertThat(pids.stream().filter(p -> p == pid).count()).isLessThanOrEqualTo(2);
      }
      assertThat(pool.workersReplaced()).isZero();
    }
  }

  @Test
  void theInitializerRunsOncePerWorkerBeforeItsTasks() throws Exception {
    try (ProcessPool pool =
        Pools.lean(2)
            .initializer(
                () ->
                    System.setProperty(
                        "baton.test.inits",
                        Integer.toString(Integer.getInteger("baton.test.inits", 0) + 1)))
            .build()) {
      List<Integer> counts =
          pool.map(
              x -> {
                Thread.sleep(10);
                return Integer.getInteger("baton.test.inits", 0);
              },
              IntStream.range(0, 20).boxed().toList(),
              1);
      assertThat(counts).containsOnly(1);
    }
  }

  @Test
  void aFailingInitializerOrBadJvmOptionFailsTheBuildWithTheReason() {
    assertThatThrownBy(
            () ->
                Pools.lean(1)
                    .initializer(
                        () -> {
                          throw new IllegalStateException("no database");
                        })
                    .build())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("initializer threw")
        .hasMessageContaining("no database");
    assertThatThrownBy(() -> Pools.lean(1).jvmOptions("-XX:+NoSuchOption").build())
        .isInstanceOf(WorkerStartException.class)
        .hasMessageContaining("NoSuchOption");
  }

  @Test
  void aWorkerStartedWithAFlightRecordingServesTasks(@TempDir Path dir) throws Exception {
    // JFR announces a recording on stdout unless told not to: the protocol stream must stay clean
    Path recording = dir.resolve("worker.jfr");
    try (ProcessPool pool =
        Pools.lean(1).jvmOptions("-XX:StartFlightRecording=filename=" + recording).build()) {
      assertThat(pool.apply(() -> 6 * 7)).isEqualTo(42);
      assertThat(pool.workersReplaced()).isZero();
    }
    assertThat(recording).exists();
  }

  @Test
  void shutdownCancelsPendingOnRequestAndLetsRunningTasksFinish() throws Exception {
    ProcessPool pool = Pools.lean(1).build();
    List<Long> pids = pool.workerPids();
    CompletableFuture<String> running =
        pool.submit(
            () -> {
              Thread.sleep(500);
              return "finished";
            });
    List<CompletableFuture<Integer>> pending = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      pending.add(pool.submit(() -> 1));
    }
    pool.shutdown(Pool.QueuedTasks.CANCEL);
    assertThat(pool.awaitTermination(Duration.ofSeconds(60))).isTrue();
    assertThat(running.get(30, TimeUnit.SECONDS)).isEqualTo("finished");
    // the first pending task may have been sent along with the running one; the others were queued
    long cancelled = pending.stream().filter(CompletableFuture::isCancelled).count();
    assertThat(cancelled).isGreaterThanOrEqualTo(4);
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
    Thread caller = Thread.currentThread();
    assertThatThrownBy(() -> pool.submit(() -> 1))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining(caller.getName())
        .hasMessageContaining("after it was shut down");
  }

  @Test
  void shutdownNowCancelsRunningTasksAndKillsTheWorkers() throws Exception {
    ProcessPool pool = Pools.lean(1).build();
    long pid = pool.workerPids().get(0);
    CompletableFuture<Integer> running =
        pool.submit(
            () -> {
              Thread.sleep(60_000);
              return 1;
            });
    pool.shutdownNow();
    assertThat(pool.awaitTermination(Duration.ofSeconds(30))).isTrue();
    org.junit.jupiter.api.Assertions.assertThrows(CancellationException.class, running::join);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  @Test
  void aWorkerExitsWhenItsParentDiesEvenInTheMiddleOfATask() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process parent =
        new ProcessBuilder(
                java.toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                OrphanedParent.class.getName())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
      assertThat(line).startsWith("worker ");
      long workerPid = Long.parseLong(line.substring("worker ".length()).trim());
      ProcessHandle worker = ProcessHandle.of(workerPid).orElseThrow();
      parent.destroyForcibly(); // SIGKILL: no shutdown hook runs in the parent
      assertThat(worker.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    } finally {
      parent.destroyForcibly();
    }
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void workersAreStartedWithTheGivenEnvironment() throws Exception {
    try (ProcessPool pool = Pools.lean(1).environment("BATON_TEST_MARK", "marked").build()) {
      assertThat(pool.apply(() -> System.getenv("BATON_TEST_MARK"))).isEqualTo("marked");
    }
  }
}
