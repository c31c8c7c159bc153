package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers that die under their task, on one shared pool of two: each test kills or breaks a worker
 * and checks that only the task it held failed, that the pool replaced it, and that it serves on.
 */
class CrashRecoveryTest {
  static ProcessPool pool;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws InterruptedException {
    pool = Pools.lean(2).name("crash").build();
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** A task that writes its pid into {@code file}, then waits until {@code gate} exists. */
  static PoolTask<Long> parked(String file, String gate) {
    return () -> {
      long pid = ProcessHandle.current().pid();
      Files.writeString(Path.of(file + ".tmp"), Long.toString(pid));
      Files.move(Path.of(file + ".tmp"), Path.of(file));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(Path.of(gate)) && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      return pid;
    };
  }

  private static long pidIn(Path file) throws Exception {
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
    return Long.parseLong(Files.readString(file));
  }

  private static void assertServesOnTwoFreshWorkers(long deadPid) throws Exception {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> pool.workerPids().size() == 2 && !pool.workerPids().contains(deadPid));
    assertThat(pool.submit(() -> "alive").get(30, TimeUnit.SECONDS)).isEqualTo("alive");
  }

  @Test
  void sigkillFailsOnlyTheTaskItHeldAndTheWorkerIsReplaced() throws Exception {
    long replaced = pool.workersReplaced();
    Path started = dir.resolve("started");
    CompletableFuture<Long> victim =
        pool.submit(parked(started.toString(), dir.resolve("never").toString()));
    long pid = pidIn(started);
    List<CompletableFuture<Integer>> others = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      int n = i;
      others.add(pool.submit(() -> n * 10));
    }
    new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor(30, TimeUnit.SECONDS);

    Throwable failure = Pools.failureOf(victim);
    assertThat(failure).isInstanceOf(WorkerCrashedException.class);
    WorkerCrashedException crash = (WorkerCrashedException) failure;
    assertThat(crash.pid()).isEqualTo(pid);
    assertThat(crash.signal()).hasValue(9);
    assertThat(crash.getMessage()).contains("SIGKILL").contains("replaced");
    for (int i = 0; i < others.size(); i++) {
      assertThat(others.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i * 10);
    }
    assertThat(pool.workersReplaced()).isEqualTo(replaced + 1);
    assertServesOnTwoFreshWorkers(pid);
  }

  @Test
  void systemExitInATaskFailsItWithTheExitCodeAndStderrTail() throws Exception {
    CompletableFuture<Integer> f =
        pool.submit(
            () -> {
              System.err.println("last words of pid " + ProcessHandle.current().pid());
              System.exit(42);
              return 0;
            });
    Throwable failure = Pools.failureOf(f);
    assertThat(failure).isInstanceOf(WorkerCrashedException.class);
    WorkerCrashedException crash = (WorkerCrashedException) failure;
    assertThat(crash.exitCode()).hasValue(42);
    assertThat(crash.signal()).isEmpty();
    assertThat(crash.stderrTail())
        .anyMatch(line -> line.contains("last words of pid " + crash.pid()));
    assertServesOnTwoFreshWorkers(crash.pid());
  }

  @Test
  void anEndlessStderrLineIsCutSoThePumpHoldsABoundedLine() throws Exception {
    CompletableFuture<Integer> f =
        pool.submit(
            () -> {
              String chunk = "y".repeat(1 << 16);
              for (int i = 0; i < 64; i++) { // 4 Mi chars, no line end
                System.err.print(chunk);
              }
              System.err.flush();
              System.exit(43);
              return 0;
            });
    Throwable failure = Pools.failureOf(f);
    assertThat(failure).isInstanceOf(WorkerCrashedException.class);
    WorkerCrashedException crash = (WorkerCrashedException) failure;
    assertThat(crash.exitCode()).hasValue(43);
    assertThat(crash.stderrTail())
        .anyMatch(line -> line.startsWith("yyyy") && line.endsWith(" more chars cut)"))
        .allMatch(line -> line.length() < 10_000);
    assertServesOnTwoFreshWorkers(crash.pid());
  }

  @Test
  void outOfMemoryKillsOnlyItsWorker() throws Exception {
    CompletableFuture<Integer> f =
        pool.submit(
            () -> {
              List<long[]> hog = new ArrayList<>();
              while (true) {
                hog.add(new long[1 << 20]);
              }
            });
    Throwable failure = Pools.failureOf(f);
    assertThat(failure).isInstanceOf(WorkerCrashedException.class);
    WorkerCrashedException crash = (WorkerCrashedException) failure;
    assertThat(crash.exitCode()).hasValue(3);
    assertThat(String.join("\n", crash.stderrTail())).contains("OutOfMemoryError");
    assertServesOnTwoFreshWorkers(crash.pid());
  }

  @Test
  void aRetryableTaskRunsAgainOnAFreshWorker() throws Exception {
    String marker = dir.resolve("first-attempt").toString();
    CompletableFuture<String> f =
        pool.submitRetryable(
            () -> {
              if (Files.exists(Path.of(marker))) {
                return "second attempt";
              }
              Files.writeString(Path.of(marker), "x");
              Runtime.getRuntime().halt(9);
              return "unreachable";
            },
            1);
    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("second attempt");

    CompletableFuture<String> always =
        pool.submitRetryable(
            () -> {
              Runtime.getRuntime().halt(7);
              return "unreachable";
            },
            2);
    Throwable failure = Pools.failureOf(always);
    assertThat(failure).isInstanceOf(WorkerCrashedException.class);
    assertThat(((WorkerCrashedException) failure).exitCode()).hasValue(7);
    assertServesOnTwoFreshWorkers(((WorkerCrashedException) failure).pid());
  }

  /**
   * Writes bytes to the worker's protocol stream itself: the write-only pipe descriptors other than
   * stderr, found through /proc (the worker keeps the stream off descriptor 1, out of a task's
   * ordinary reach).
   */
  static void writeToTheProtocolPipe(byte[] bytes) throws java.io.IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        String n = fd.getFileName().toString();
        try {
          boolean pipe = Files.readSymbolicLink(fd).toString().startsWith("pipe:");
          String flags =
              Files.readAllLines(Path.of("/proc/self/fdinfo/" + n)).stream()
                  .filter(l -> l.startsWith("flags:"))
                  .findFirst()
                  .orElse("flags: 0")
                  .substring(6)
                  .trim();
          boolean writeOnly = (Integer.parseInt(flags, 8) & 3) == 1;
          if (pipe && writeOnly && !n.equals("2")) {
            try (FileOutputStream raw = new FileOutputStream(fd.toString())) {
              raw.write(bytes);
            }
          }
        } catch (java.io.IOException e) {
          // a descriptor of the listing itself, gone already
        }
      }
    }
  }

  @Test
  void aCorruptedFrameReplacesTheWorkerAndShowsTheBytes() throws Exception {
    CompletableFuture<Integer> f =
        pool.submit(
            () -> {
              writeToTheProtocolPipe("garbage on the wire".getBytes(StandardCharsets.US_ASCII));
              Thread.sleep(30_000);
              return 1;
            });
    Throwable failure = Pools.failureOf(f);
    assertThat(failure)
        .isInstanceOf(WorkerCrashedException.class)
        .hasMessageContaining("corrupted")
        .hasMessageContaining("67 61 72 62 61 67 65"); // "garbage"
    assertServesOnTwoFreshWorkers(((WorkerCrashedException) failure).pid());
  }

  @Test
  void cancellingARunningTaskWithInterruptKillsAndReplacesItsWorker() throws Exception {
    long replaced = pool.workersReplaced();
    Path started = dir.resolve("started");
    CompletableFuture<Long> f =
        pool.submit(parked(started.toString(), dir.resolve("never").toString()));
    long pid = pidIn(started);
    assertThat(f.cancel(true)).isTrue();
    assertThat(f).isCancelled();
    await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).isEmpty());
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.workersReplaced() == replaced + 1);
    assertServesOnTwoFreshWorkers(pid);
  }

  @Test
  void aTaskSentAheadBehindALongOneIsTakenBackForAnIdleWorker() throws Exception {
    Path gate = dir.resolve("gate");
    CompletableFuture<Long> longOne =
        pool.submit(parked(dir.resolve("long").toString(), gate.toString()));
    pidIn(dir.resolve("long"));
    CompletableFuture<Integer> first = pool.submit(() -> 1);
    // sent ahead to the first worker with room: the one running the long task
    CompletableFuture<Integer> second = pool.submit(() -> 2);
    assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(2);
    assertThat(longOne).isNotDone();
    Files.writeString(gate, "open");
    assertThat(longOne.get(30, TimeUnit.SECONDS)).isPositive();
  }

  @Test
  void aTaskSentAheadToAStoppedWorkerRunsOnAnIdleOneAndTheStoppedWorkerIsReplaced()
      throws Exception {
    Path gate = dir.resolve("gate");
    CompletableFuture<Long> stopped =
        pool.submit(parked(dir.resolve("stopped").toString(), dir.resolve("never").toString()));
    long pid = pidIn(dir.resolve("stopped"));
    CompletableFuture<Long> other =
        pool.submit(parked(dir.resolve("other").toString(), gate.toString()));
    pidIn(dir.resolve("other"));
    // both workers busy: one task is sent ahead to each, one of them to the worker about to stop
    List<CompletableFuture<Integer>> behind = List.of(pool.submit(() -> 3), pool.submit(() -> 4));
    try {
      new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor(30, TimeUnit.SECONDS);
      Files.writeString(gate, "open");
      assertThat(other.get(30, TimeUnit.SECONDS)).isPositive();
      assertThat(behind.get(0).get(30, TimeUnit.SECONDS)).isEqualTo(3);
      assertThat(behind.get(1).get(30, TimeUnit.SECONDS)).isEqualTo(4);
      Throwable failure = Pools.failureOf(stopped);
      assertThat(failure)
          .isInstanceOf(WorkerCrashedException.class)
          .hasMessageContaining("stopped by a signal");
      assertServesOnTwoFreshWorkers(pid);
    } finally {
      new ProcessBuilder("kill", "-KILL", Long.toString(pid)).start().waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void cancellingQueuedTasksRemovesThemAndARunningOneWithoutInterruptKeepsItsWorker()
      throws Exception {
    long replaced = pool.workersReplaced();
    Path gate = dir.resolve("gate");
    List<CompletableFuture<Long>> busy = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      busy.add(pool.submit(parked(dir.resolve("busy" + i).toString(), gate.toString())));
    }
    long first = pidIn(dir.resolve("busy0"));
    pidIn(dir.resolve("busy1"));
    // one task sent ahead to each busy worker fills its pipeline: the next ones wait in the pool
    List<CompletableFuture<Integer>> fillers = List.of(pool.submit(() -> 1), pool.submit(() -> 2));
    List<CompletableFuture<Boolean>> queued = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String marker = dir.resolve("ran" + i).toString();
      queued.add(
          pool.submit(
              () -> {
                Files.writeString(Path.of(marker), "ran");
                return true;
              }));
    }
    for (CompletableFuture<Boolean> q : queued) {
      assertThat(q.cancel(false)).isTrue();
    }
    assertThat(busy.get(0).cancel(false)).isTrue();
    Files.writeString(gate, "open");
    assertThat(busy.get(1).get(30, TimeUnit.SECONDS)).isPositive();
    assertThat(fillers.get(0).get(30, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(fillers.get(1).get(30, TimeUnit.SECONDS)).isEqualTo(2);
    // both workers have moved past every cancelled task once these two answer
    assertThat(pool.map(x -> x, List.of(1, 2), 1)).containsExactly(1, 2);
    for (int i = 0; i < 4; i++) {
      assertThat(dir.resolve("ran" + i)).doesNotExist();
      CompletableFuture<Boolean> q = queued.get(i);
      org.junit.jupiter.api.Assertions.assertThrows(CancellationException.class, q::join);
    }
    assertThat(pool.workerPids()).contains(first);
    assertThat(pool.workersReplaced()).isEqualTo(replaced);
  }
}
