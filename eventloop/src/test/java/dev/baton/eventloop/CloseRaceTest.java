package dev.baton.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Thread-safe submissions racing the close of a loop: each is refused at once, or runs, or (a
 * task's future) completes exceptionally; none is dropped. The contract is in EventLoop's design
 * notes, "Closing".
 */
class CloseRaceTest {
  private static final int ROUNDS = 200;
  private static final int PRODUCERS = 4;

  /** How long any one wait of these tests may take before it counts as a hang. */
  private static final long BOUND_SECONDS = 20;

  /** Submits callbacks and tasks until the loop refuses one; records what became of each. */
  private static final class Producer extends Thread {
    private final AtomicReference<EventLoop> loop;
    private final CountDownLatch go;
    private final CountDownLatch warm;
    final AtomicInteger ran = new AtomicInteger();
    int acceptedCallbacks;
    final List<CompletableFuture<Integer>> futures = new ArrayList<>();
    volatile RejectedExecutionException refusal;
    volatile Throwable unexpected;

    Producer(String name, AtomicReference<EventLoop> loop, CountDownLatch go, CountDownLatch warm) {
      super(name);
      this.loop = loop;
      this.go = go;
      this.warm = warm;
    }

    @Override
    public void run() {
      try {
        if (!go.await(BOUND_SECONDS, TimeUnit.SECONDS)) {
          throw new AssertionError("the loop was not published");
        }
        EventLoop l = loop.get();
        for (int i = 0; refusal == null; i++) {
          if (i == 50) {
            warm.countDown();
          } else if (i > 50) {
            Thread.yield(); // keeps the backlog small, so that a round stays short
          }
          try {
            if ((i & 1) == 0) {
              l.callSoonThreadSafe(ran::incrementAndGet);
              acceptedCallbacks++;
            } else {
              futures.add(l.createTaskThreadSafe("t" + i, () -> 1));
            }
          } catch (RejectedExecutionException e) {
            refusal = e;
          }
        }
      } catch (Throwable e) {
        unexpected = e;
      } finally {
        warm.countDown();
      }
    }

    void check(String loopName) throws Exception {
      join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      assertThat(isAlive()).as("producer %s still submitting", getName()).isFalse();
      assertThat(unexpected).isNull();
      assertThat(refusal).isNotNull();
      assertThat(refusal.getMessage())
          .contains("\"" + getName() + "\"")
          .contains("loop \"" + loopName + "\"")
          .contains("closed");
      assertThat(ran.get()).as("callbacks accepted and run").isEqualTo(acceptedCallbacks);
      try {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
            .handle((v, e) -> null)
            .get(BOUND_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        long pending = futures.stream().filter(f -> !f.isDone()).count();
        fail(pending + " futures of createTaskThreadSafe never completed on loop " + loopName);
      }
      for (CompletableFuture<Integer> f : futures) {
        try {
          assertThat(f.join()).isEqualTo(1);
        } catch (CancellationException e) {
          // cancelled by the end of EventLoop.run
        } catch (CompletionException e) {
          assertThat(e.getCause()).isInstanceOf(RejectedExecutionException.class);
        }
      }
    }
  }

  @Test
  void submissionsRacingStopAndCloseRunOrAreRefusedButAreNeverDropped() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String name = "close-race-" + round;
      EventLoop loop = EventLoop.builder().name(name).build();
      AtomicReference<EventLoop> ref = new AtomicReference<>(loop);
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch warm = new CountDownLatch(PRODUCERS);
      List<Producer> producers = startProducers(round, ref, go, warm);
      Thread runner =
          new Thread(
              () -> {
                loop.runForever();
                loop.close();
              },
              name);
      runner.start();
      go.countDown();
      assertThat(warm.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
      loop.callSoonThreadSafe(loop::stop);
      runner.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      assertThat(runner.isAlive()).isFalse();
      for (Producer p : producers) {
        p.check(name);
      }
    }
  }

  @Test
  void submissionsRacingTheEndOfRunRunOrAreRefusedButAreNeverDropped() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      String name = "run-race-" + round;
      AtomicReference<EventLoop> ref = new AtomicReference<>();
      CountDownLatch go = new CountDownLatch(1);
      CountDownLatch warm = new CountDownLatch(PRODUCERS);
      List<Producer> producers = startProducers(round, ref, go, warm);
      EventLoop.builder()
          .name(name)
          .run(
              () -> {
                ref.set(EventLoop.current());
                go.countDown();
                while (warm.getCount() > 0) {
                  Tasks.sleep(Duration.ofMillis(1));
                }
                return null;
              });
      for (Producer p : producers) {
        p.check(name);
      }
    }
  }

  private static List<Producer> startProducers(
      int round, AtomicReference<EventLoop> ref, CountDownLatch go, CountDownLatch warm) {
    List<Producer> producers = new ArrayList<>();
    for (int i = 0; i < PRODUCERS; i++) {
      Producer p = new Producer("producer-" + round + "-" + i, ref, go, warm);
      p.start();
      producers.add(p);
    }
    return producers;
  }

  /** A timer scheduled from another thread, by a callback given to callSoonThreadSafe. */
  private static final class Probe implements Runnable {
    volatile boolean fired;
    volatile TimerHandle handle;
    volatile boolean refused;

    @Override
    public void run() {
      fired = true;
    }
  }

  @Test
  void timersScheduledFromOtherThreadsRacingCloseFireOrReportCancelled() throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      EventLoop loop = EventLoop.builder().name("timer-race-" + round).build();
      Queue<Probe> probes = new ConcurrentLinkedQueue<>();
      AtomicInteger acceptedOuter = new AtomicInteger();
      AtomicInteger ranOuter = new AtomicInteger();
      CountDownLatch warm = new CountDownLatch(PRODUCERS);
      List<Thread> producers = new ArrayList<>();
      for (int i = 0; i < PRODUCERS; i++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    for (int n = 0; ; n++) {
                      if (n == 50) {
                        warm.countDown();
                      } else if (n > 50) {
                        Thread.yield();
                      }
                      Probe p = new Probe();
                      Duration delay = Duration.ofNanos((n % 3) * 500_000L);
                      loop.callSoonThreadSafe(
                          () -> {
                            ranOuter.incrementAndGet();
                            probes.add(p);
                            try {
                              p.handle = loop.callLater(delay, p);
                            } catch (RejectedExecutionException closed) {
                              p.refused = true;
                            }
                          });
                      acceptedOuter.incrementAndGet();
                    }
                  } catch (RejectedExecutionException closed) {
                    // done: the loop is closed
                  } finally {
                    warm.countDown();
                  }
                });
        t.start();
        producers.add(t);
      }
      Thread runner =
          new Thread(
              () -> {
                loop.runForever();
                loop.close();
              });
      runner.start();
      assertThat(warm.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
      loop.callSoonThreadSafe(loop::stop);
      runner.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
      for (Thread t : producers) {
        t.join(TimeUnit.SECONDS.toMillis(BOUND_SECONDS));
        assertThat(t.isAlive()).isFalse();
      }
      assertThat(runner.isAlive()).isFalse();
      assertThat(ranOuter.get()).isEqualTo(acceptedOuter.get());
      for (Probe p : probes) {
        assertThat(p.refused || p.fired || p.handle.isCancelled())
            .as("a timer neither fired, nor was refused, nor reports cancelled")
            .isTrue();
      }
    }
  }

  @Test
  void closeRunsAcceptedCallbacksAndRefusesTheTasksItDidNotCreate() {
    EventLoop loop = EventLoop.builder().name("idle").build();
    AtomicReference<Boolean> closedWhileRunning = new AtomicReference<>();
    loop.callSoonThreadSafe(() -> closedWhileRunning.set(loop.isClosed()));
    CompletableFuture<Integer> notCreated = loop.createTaskThreadSafe("never", () -> 1);
    loop.close();
    assertThat(closedWhileRunning.get()).isTrue();
    assertThatThrownBy(() -> notCreated.get(BOUND_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(RejectedExecutionException.class)
        .hasStackTraceContaining("task \"never\" given to createTaskThreadSafe of loop \"idle\"");
    assertThatThrownBy(() -> loop.createTaskThreadSafe("late", () -> 1))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("thread \"" + Thread.currentThread().getName() + "\" submitted")
        .hasMessageContaining("task \"late\" with createTaskThreadSafe to loop \"idle\"")
        .hasMessageContaining("which is closed");
  }

  @Test
  void aTaskStillRunningAtCloseCompletesItsThreadSafeFutureWithCancellation() throws Exception {
    EventLoop loop = EventLoop.builder().name("live").build();
    CompletableFuture<Object> result =
        loop.createTaskThreadSafe(
            "forever",
            () -> {
              loop.stop();
              return Tasks.await(loop.createFuture());
            });
    Task<Object> local = loop.createTask("local", () -> Tasks.await(loop.createFuture()));
    loop.runForever();
    loop.close();
    assertThatThrownBy(() -> result.get(BOUND_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class)
        .hasStackTraceContaining("loop \"live\" closed before task \"forever\" was done");
    CompletableFuture<Object> getter = getFromAnotherThread(local);
    assertThatThrownBy(() -> getter.get(BOUND_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(CancellationException.class);
  }

  @Test
  void executorResultsRacingCloseStillReachOtherThreads() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < ROUNDS; round++) {
        EventLoop loop = EventLoop.builder().name("executor-race-" + round).build();
        CountDownLatch release = new CountDownLatch(1);
        int value = round;
        Future<Integer> slow =
            loop.runInExecutor(
                executor,
                () -> {
                  release.await();
                  return value;
                });
        Future<Integer> fast = loop.runInExecutor(executor, () -> value);
        CompletableFuture<Integer> source = new CompletableFuture<>();
        Future<Integer> wrapped = loop.wrapFuture(source);
        Thread completer = new Thread(() -> source.complete(value));
        completer.start();
        loop.close();
        release.countDown();
        for (Future<Integer> f : List.of(slow, fast, wrapped)) {
          assertThat(getFromAnotherThread(f).get(BOUND_SECONDS, TimeUnit.SECONDS)).isEqualTo(value);
        }
        completer.join();
      }
    } finally {
      executor.shutdownNow();
    }
  }

  private static <T> CompletableFuture<T> getFromAnotherThread(Future<T> f) {
    CompletableFuture<T> out = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                out.complete(f.get(BOUND_SECONDS, TimeUnit.SECONDS));
              } catch (ExecutionException e) {
                out.completeExceptionally(e.getCause());
              } catch (Throwable e) {
                out.completeExceptionally(e);
              }
            });
    t.start();
    return out;
  }
}
