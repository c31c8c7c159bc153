package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results, arguments and tasks built to break the pool rather than to compute: each must fail the
 * task that carries it, with a {@link TaskSerializationException} naming the limit where a limit is
 * broken, while its worker serves on. One shared pool of one worker with a 1 MiB byte limit, so
 * that "the worker serves on" is its pid staying the same.
 */
class HostilePayloadTest {
  static final long LIMIT = 1 << 20;

  static ProcessPool pool;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws InterruptedException {
    pool = Pools.lean(1).name("hostile").deserializationLimits(100, 1_000_000, LIMIT).build();
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(60, TimeUnit.SECONDS);
  }

  /** Checks that the one worker is the same process as before and still answers. */
  private static void assertServesOn(long pid) throws Exception {
    assertThat(get(pool.submit(() -> ProcessHandle.current().pid()))).isEqualTo(pid);
    assertThat(pool.workersReplaced()).isZero();
  }

  static List<Object> nested(int depth) {
    List<Object> root = new ArrayList<>();
    List<Object> cursor = root;
    for (int i = 0; i < depth; i++) {
      List<Object> next = new ArrayList<>();
      cursor.add(next);
      cursor = next;
    }
    return root;
  }

  /** A Java-serialized chain, which the compact codec cannot write without Java serialization. */
  static final class Link implements Serializable {
    final Link next;

    Link(Link next) {
      this.next = next;
    }

    static Link chain(int n) {
      Link l = null;
      for (int i = 0; i < n; i++) {
        l = new Link(l);
      }
      return l;
    }
  }

  @Test
  void aResultNestedTooDeeplyFailsWithTheDepthLimitAndTheWorkerServesOn() throws Exception {
    long pid = pool.workerPids().get(0);
    Throwable compact = Pools.failureOf(pool.submit(() -> (Object) nested(100_000)));
    assertThat(compact)
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("depth 101 exceeds the pool's limit of 100");
    Throwable java = Pools.failureOf(pool.submit(() -> (Object) Link.chain(100_000)));
    assertThat(java)
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("overflowed the stack")
        .hasMessageContaining("depth limit is 100");
    assertServesOn(pid);
  }

  @Test
  void aDeepResultFromATaskThatLeftAThreadRunningStillFailsOnlyThatTask() throws Exception {
    long pid = pool.workerPids().get(0);
    CompletableFuture<Object> f =
        pool.submit(
            () -> {
              Thread stray = new Thread(() -> sleepQuietly(120_000), "stray");
              stray.start(); // not a daemon: a worker whose task loop died would live on
              return Link.chain(100_000);
            });
    assertThat(Pools.failureOf(f))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("overflowed the stack");
    assertServesOn(pid);
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aDeepArgumentFailsInTheCallerWithTheDepthLimit() throws Exception {
    long pid = pool.workerPids().get(0);
    assertThatThrownBy(() -> pool.map(x -> x, List.of(nested(100_000))))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("exceeds the pool's limit of 100");
    Link deep = Link.chain(100_000);
    assertThatThrownBy(() -> pool.submit(() -> deep.next == null ? 0 : 1))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("nested too deeply");
    assertServesOn(pid);
  }

  @Test
  void aResultOverTheByteLimitFailsWithItsSizeAndIsNotRetried() throws Exception {
    long pid = pool.workerPids().get(0);
    Path runs = dir.resolve("runs");
    String file = runs.toString();
    CompletableFuture<byte[]> f =
        pool.submitRetryable(
            () -> {
              Files.writeString(
                  Path.of(file), "ran\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
              return new byte[3 << 20];
            },
            2);
    assertThat(Pools.failureOf(f))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("at least " + ((3 << 20) + 5) + " bytes")
        .hasMessageContaining("limit of " + LIMIT + " bytes");
    assertThat(Files.readAllLines(runs)).hasSize(1);
    assertServesOn(pid);
  }

  @Test
  void anArgumentOverTheByteLimitFailsAtSubmission() throws Exception {
    long pid = pool.workerPids().get(0);
    assertThatThrownBy(() -> pool.map(b -> b.length, List.of(new byte[3 << 20])))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("limit of " + LIMIT + " bytes");
    byte[] captured = new byte[3 << 20];
    assertThatThrownBy(() -> pool.submit(() -> captured.length))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("limit of " + LIMIT + " bytes");
    assertServesOn(pid);
  }

  @Test
  void anExceptionWithAMessageOverTheByteLimitArrivesCut() throws Exception {
    long pid = pool.workerPids().get(0);
    CompletableFuture<Integer> f =
        pool.submit(
            () -> {
              throw new IllegalStateException("x".repeat(3 << 20));
            });
    assertThat(Pools.failureOf(f))
        .isInstanceOf(RemoteTaskException.class)
        .hasMessageContaining("more characters cut");
    assertServesOn(pid);
  }

  @Test
  void aTaskThatClosesStdinHarmsNoOtherTask() throws Exception {
    long pid = pool.workerPids().get(0);
    assertThat(
            get(
                pool.submit(
                    () -> {
                      System.in.close();
                      new FileInputStream(FileDescriptor.in).close();
                      return "closed";
                    })))
        .isEqualTo("closed");
    for (int i = 0; i < 5; i++) {
      int n = i;
      assertThat(get(pool.submit(() -> n))).isEqualTo(n);
    }
    assertServesOn(pid);
  }

  @Test
  void aTaskThatWritesToTheRealStdoutFailsItselfAndHarmsNoOtherTask() throws Exception {
    long pid = pool.workerPids().get(0);
    CompletableFuture<Integer> writer =
        pool.submit(
            () -> {
              FileOutputStream raw = new FileOutputStream(FileDescriptor.out);
              raw.write("not a frame".getBytes(StandardCharsets.US_ASCII));
              raw.flush();
              return 1;
            });
    CompletableFuture<Integer> innocent = pool.submit(() -> 2);
    assertThat(Pools.failureOf(writer)).isInstanceOf(RemoteTaskException.class);
    assertThat(get(innocent)).isEqualTo(2);
    assertServesOn(pid);
  }

  /** Forty levels of sets, each holding the same two sets of the next level: 2^40 hash paths. */
  static Set<Object> serialDos(int levels) {
    Set<Object> root = new HashSet<>();
    Set<Object> s1 = root;
    Set<Object> s2 = new HashSet<>();
    for (int i = 0; i < levels; i++) {
      Set<Object> t1 = new HashSet<>();
      Set<Object> t2 = new HashSet<>();
      t1.add("foo");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }

  @Test
  void aResultThatWouldHashForeverFailsWithTheWorkLimitAndThePoolServesOn() throws Exception {
    try (ProcessPool java = Pools.lean(1).name("serialdos").codec(Codec.JAVA).build()) {
      long pid = java.workerPids().get(0);
      CompletableFuture<Set<Object>> f = java.submit(() -> serialDos(40));
      CompletableFuture<String> next = java.submit(() -> "next");
      Throwable failure = Pools.failureOf(f);
      assertThat(failure)
          .isInstanceOf(TaskSerializationException.class)
          .hasMessageContaining("hashing steps");
      assertThat(next.get(60, TimeUnit.SECONDS)).isEqualTo("next");
      assertThat(java.workerPids()).containsExactly(pid);
      // the compact codec writes no shared references: the same graph is refused at its size
      assertThat(Pools.failureOf(pool.submit(() -> serialDos(40))))
          .isInstanceOf(TaskSerializationException.class)
          .hasMessageContaining("limit of " + LIMIT + " bytes");
    }
  }

  /** An exception whose causes go {@code depth} levels deep. */
  static RuntimeException deepChain(int depth) {
    RuntimeException t = new IllegalStateException("root");
    for (int i = 1; i < depth; i++) {
      t = new RuntimeException("level " + i, t);
    }
    return t;
  }

  @Test
  void anExceptionWithADeepCauseChainFailsItsTaskAndTheWorkerServesOn() throws Exception {
    long pid = get(pool.submit(() -> ProcessHandle.current().pid()));
    Throwable failure =
        Pools.failureOf(
            pool.submit(
                () -> {
                  throw deepChain(50_000);
                }));
    assertThat(failure)
        .isInstanceOf(RemoteTaskException.class)
        .hasMessageContaining("RuntimeException: level 49999");
    RemoteTaskException remote = (RemoteTaskException) failure;
    assertThat(remote.remoteStackTrace())
        .contains("Caused by: java.lang.RuntimeException: level 49967")
        .doesNotContain("level 49966")
        .contains("[... cut: causes and suppressed exceptions deeper than 32 levels]");
    assertThat(remote.getCause()).isNull(); // not sent: it lies beyond the bounds
    assertServesOn(pid);
  }

  @Test
  void anExceptionWithCyclicCausesOrEndlessSuppressionFailsItsTaskAndTheWorkerServesOn()
      throws Exception {
    long pid = get(pool.submit(() -> ProcessHandle.current().pid()));
    Throwable cyclic =
        Pools.failureOf(
            pool.submit(
                () -> {
                  RuntimeException a = new RuntimeException("a");
                  RuntimeException b = new RuntimeException("b", a);
                  a.initCause(b);
                  throw a;
                }));
    assertThat(cyclic).isInstanceOf(RemoteTaskException.class);
    assertThat(((RemoteTaskException) cyclic).remoteStackTrace())
        .contains("Caused by: java.lang.RuntimeException: b")
        .contains("[CIRCULAR REFERENCE: java.lang.RuntimeException: a]");
    assertThat(cyclic.getCause()).isNull();
    Throwable wide =
        Pools.failureOf(
            pool.submit(
                () -> {
                  RuntimeException top = new RuntimeException("top");
                  for (int i = 0; i < 10_000; i++) {
                    top.addSuppressed(new IllegalStateException("suppressed " + i));
                  }
                  throw top;
                }));
    assertThat(((RemoteTaskException) wide).remoteStackTrace())
        .contains("[... cut: 9968 more suppressed exceptions]");
    assertServesOn(pid);
  }

  @Test
  void aRetryableTaskThatThrowsADeepChainRunsOnce() throws Exception {
    long pid = get(pool.submit(() -> ProcessHandle.current().pid()));
    String runs = dir.resolve("runs").toString();
    Throwable failure =
        Pools.failureOf(
            pool.submitRetryable(
                () -> {
                  Files.writeString(
                      Path.of(runs),
                      "ran\n",
                      StandardCharsets.UTF_8,
                      StandardOpenOption.CREATE,
                      StandardOpenOption.APPEND);
                  throw deepChain(50_000);
                },
                2));
    assertThat(failure).isInstanceOf(RemoteTaskException.class);
    assertThat(Files.readAllLines(Path.of(runs))).containsExactly("ran");
    assertServesOn(pid);
  }
}
