package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import dev.baton.process.forbidden.Gadget;
import dev.baton.process.forbidden.GadgetException;
import dev.baton.process.forbidden.Spot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The API on one shared pool of two real worker JVMs; every test leaves the pool healthy. */
class ProcessPoolTest {
  static ProcessPool pool;

  /** A record of compact-codec types, in an allowed package. */
  record Point(int x, long y, String label, List<Integer> tags, byte[] raw) {}

  @BeforeAll
  static void start() throws InterruptedException {
    pool = Pools.lean(2).name("basic").build();
  }

  @AfterAll
  static void stop() {
    pool.close();
  }

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void submitRunsInAWorkerProcess() throws Exception {
    long pid = get(pool.submit(() -> ProcessHandle.current().pid()));
    assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
    assertThat(pool.workerPids()).contains(pid);
  }

  @Test
  void applyWaitsInsideABlockingSection() throws Exception {
    AtomicInteger entered = new AtomicInteger();
    BlockingHandler counting =
        new BlockingHandler() {
          @Override
          public void enter() {
            entered.incrementAndGet();
          }

          @Override
          public void exit() {}
        };
    String result;
    try (var registration = Blocking.install(counting)) {
      result = pool.apply(() -> "done");
    }
    assertThat(result).isEqualTo("done");
    assertThat(entered.get()).isPositive();
  }

  @Test
  void mapKeepsOrderWithDefaultAndExplicitChunks() throws Exception {
    List<Integer> items = IntStream.range(0, 257).boxed().toList();
    List<Integer> squares = items.stream().map(x -> x * x).toList();
    assertThat(pool.map(x -> x * x, items)).isEqualTo(squares);
    assertThat(pool.map(x -> x * x, items, 1)).isEqualTo(squares);
    assertThat(pool.map(x -> x * x, items, 1000)).isEqualTo(squares);
    assertThat(pool.map(x -> x, List.of())).isEmpty();
  }

  @Test
  void mapSpreadsChunksOverBothWorkers() throws Exception {
    Set<Long> pids =
        new HashSet<>(
            pool.map(
                x -> {
                  Thread.sleep(20);
                  return ProcessHandle.current().pid();
                },
                IntStream.range(0, 40).boxed().toList(),
                1));
    assertThat(pids).hasSize(2);
  }

  @Test
  void manyMapsInARowOutgrowTheWorkersFunctionCacheAndStayCorrect() throws Exception {
    for (int i = 0; i < 80; i++) {
      int offset = i;
      assertThat(pool.map(x -> x + offset, List.of(1, 2, 3), 1))
          .containsExactly(1 + offset, 2 + offset, 3 + offset);
    }
  }

  @Test
  void starmapAppliesPairs() throws Exception {
    List<Map.Entry<String, Integer>> pairs =
        List.of(Map.entry("a", 3), Map.entry("b", 1), Map.entry("c", 2));
    assertThat(pool.starmap((String s, Integer n) -> s.repeat(n), pairs, 0))
        .containsExactly("aaa", "b", "cc");
  }

  @Test
  void imapIsLazyOrderedAndBounded() {
    AtomicInteger pulled = new AtomicInteger();
    Iterable<Integer> endless =
        () ->
            new Iterator<>() {
              @Override
              public boolean hasNext() {
                return true;
              }

              @Override
              public Integer next() {
                return pulled.getAndIncrement();
              }
            };
    Iterator<Integer> results = pool.imap(x -> x + 1, endless, 3);
    List<Integer> first = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      first.add(results.next());
    }
    assertThat(first).isEqualTo(IntStream.rangeClosed(1, 30).boxed().toList());
    // at most 2 chunks per worker run ahead of the consumer
    assertThat(pulled.get()).isLessThanOrEqualTo(30 + 2 * 2 * 3);
  }

  @Test
  void imapUnorderedYieldsEveryResult() {
    Iterator<Integer> results =
        pool.imapUnordered(x -> x * 2, IntStream.range(0, 50).boxed().toList(), 4);
    List<Integer> all = new ArrayList<>();
    results.forEachRemaining(all::add);
    assertThat(all)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 50).map(x -> x * 2).boxed().toList());
  }

  @Test
  void imapFailureIsRaisedAtItsPositionAndIterationGoesOn() {
    Iterator<Integer> results =
        pool.imap(
            x -> {
              if (x == 2) {
                throw new IllegalArgumentException("two");
              }
              return x;
            },
            List.of(0, 1, 2, 3),
            1);
    assertThat(results.next()).isZero();
    assertThat(results.next()).isOne();
    assertThatThrownBy(results::next)
        .isInstanceOf(RemoteTaskException.class)
        .hasMessageContaining("two");
    assertThat(results.next()).isEqualTo(3);
    assertThat(results.hasNext()).isFalse();
  }

  @Test
  void aThrowingTaskFailsWithTheRemoteMessageStackAndCause() {
    Throwable failure =
        Pools.failureOf(
            pool.submit(
                () -> {
                  throw new IllegalStateException("boom in worker");
                }));
    assertThat(failure)
        .isInstanceOf(RemoteTaskException.class)
        .isInstanceOf(PoolException.class)
        .hasMessageContaining("boom in worker");
    RemoteTaskException remote = (RemoteTaskException) failure;
    assertThat(remote.remoteClassName()).isEqualTo(IllegalStateException.class.getName());
    assertThat(remote.remoteStackTrace()).contains("ProcessPoolTest");
    assertThat(remote.getCause())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("boom in worker");
  }

  @Test
  void anExceptionOfAForbiddenClassArrivesAsTextOnly() {
    Throwable failure =
        Pools.failureOf(
            pool.submit(
                () -> {
                  throw new GadgetException("not trusted");
                }));
    RemoteTaskException remote = (RemoteTaskException) failure;
    assertThat(remote.remoteClassName()).isEqualTo(GadgetException.class.getName());
    assertThat(remote.remoteMessage()).isEqualTo("not trusted");
    assertThat(remote.getCause()).isNull();
  }

  @Test
  void anUnserializableArgumentFailsAtSubmissionInTheCallersThread() {
    Object notSerializable = new Object();
    assertThatThrownBy(() -> pool.map(x -> x, List.of(1, notSerializable)))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("java.lang.Object");
    assertThatThrownBy(() -> pool.submit(() -> notSerializable.hashCode()))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("cannot be serialized");
  }

  @Test
  void anUnserializableResultFailsOnlyItsTask() throws Exception {
    List<Long> before = pool.workerPids();
    long replaced = pool.workersReplaced();
    Throwable failure = Pools.failureOf(pool.submit(() -> (Object) new Thread()));
    assertThat(failure)
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("could not be serialized")
        .hasMessageContaining("java.lang.Thread");
    assertThat(get(pool.submit(() -> 42))).isEqualTo(42);
    assertThat(pool.workerPids()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(pool.workersReplaced()).isEqualTo(replaced);
  }

  @Test
  void aResultOfAForbiddenClassIsRejectedByTheParentAndTheWorkerSurvives() throws Exception {
    List<Long> before = pool.workerPids();
    Throwable failure = Pools.failureOf(pool.submit(() -> new Gadget(7)));
    assertThat(failure)
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining(Gadget.class.getName())
        .hasMessageContaining("allow-list")
        .hasMessageContaining("allowClasses");
    Throwable record = Pools.failureOf(pool.submit(() -> new Spot(1)));
    assertThat(record)
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining(Spot.class.getName());
    assertThat(get(pool.submit(() -> "still here"))).isEqualTo("still here");
    assertThat(pool.workerPids()).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void anArgumentOfAForbiddenClassIsRejectedByTheWorkerAndItSurvives() throws Exception {
    List<Long> before = pool.workerPids();
    assertThatThrownBy(() -> pool.map(g -> g.value, List.of(new Gadget(3))))
        .isInstanceOf(TaskSerializationException.class)
        .hasMessageContaining("refused")
        .hasMessageContaining(Gadget.class.getName());
    assertThat(get(pool.submit(() -> 1))).isEqualTo(1);
    assertThat(pool.workerPids()).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void submittedCodeIsTrustedWhateverItsPackageButItsDataIsNot() throws Exception {
    assertThat(get(pool.submit(new dev.baton.process.forbidden.ForeignTask())))
        .isEqualTo("ran ForeignTask");
    assertThat(get(pool.submit(dev.baton.process.forbidden.ForeignTask.lambda())))
        .isEqualTo("ran a lambda of ForeignTask");
    assertThat(Pools.failureOf(pool.submit(() -> new Gadget(1))))
        .isInstanceOf(TaskSerializationException.class);
  }

  @Test
  void compactTypesAndRecordsRoundTrip() throws Exception {
    Point p = new Point(1, 2L, "é", List.of(3, 4), new byte[] {5, 6});
    // Point is not Serializable: it can only cross as an argument and result of the compact codec
    Point back = pool.map((Point q) -> q, List.of(p)).get(0);
    assertThat(back.x()).isEqualTo(1);
    assertThat(back.y()).isEqualTo(2L);
    assertThat(back.label()).isEqualTo("é");
    assertThat(back.tags()).containsExactly(3, 4);
    assertThat(back.raw()).containsExactly(5, 6);
    Map<String, Object> m = get(pool.submit(() -> Map.<String, Object>of("k", List.of(1.5, 'c'))));
    assertThat(m).isEqualTo(Map.of("k", List.of(1.5, 'c')));
  }

  @Test
  void stdoutWritesInATaskDoNotReachTheProtocolStream() throws Exception {
    int value =
        get(
            pool.submit(
                () -> {
                  System.out.println("noise that must not corrupt the protocol");
                  System.out.flush();
                  return 5;
                }));
    assertThat(value).isEqualTo(5);
  }
}
