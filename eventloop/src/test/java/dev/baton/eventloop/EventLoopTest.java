package dev.baton.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class EventLoopTest {

  @Test
  void callbacksRunInOrderAndThoseScheduledDuringAPassRunInTheNextOne() {
    List<String> log = new ArrayList<>();
    try (EventLoop loop = EventLoop.builder().name("t").build()) {
      loop.callSoon(
          () -> {
            log.add("a");
            loop.callSoon(() -> log.add("c"));
          });
      loop.callSoon(() -> log.add("b"));
      loop.stop(); // one pass only
      loop.runForever();
      assertThat(log).containsExactly("a", "b");
      loop.stop();
      loop.runForever();
      assertThat(log).containsExactly("a", "b", "c");
    }
  }

  @Test
  void anExceptionInACallbackDoesNotKillTheLoop() {
    List<String> log = new ArrayList<>();
    try (EventLoop loop = EventLoop.builder().name("t").build()) {
      loop.callSoon(
          () -> {
            throw new IllegalStateException("boom (expected by the test)");
          });
      loop.callSoon(() -> log.add("after"));
      loop.callSoon(loop::stop);
      loop.runForever();
      assertThat(log).containsExactly("after");
    }
  }

  @Test
  void timersFireInDeadlineOrderNotBeforeTheirDeadline() {
    List<String> log = new ArrayList<>();
    try (EventLoop loop = EventLoop.builder().name("t").build()) {
      long start = loop.time();
      long[] firedAt = new long[1];
      long ms = TimeUnit.MILLISECONDS.toNanos(1);
      loop.callAt(start + 30 * ms, () -> log.add("30"));
      loop.callAt(start + 10 * ms, () -> log.add("10"));
      loop.callAt(start + 10 * ms, () -> log.add("10 again")); // equal deadlines stay FIFO
      loop.callAt(
          start + TimeUnit.MILLISECONDS.toNanos(40),
          () -> {
            firedAt[0] = loop.time();
            loop.stop();
          });
      loop.runForever();
      assertThat(log).containsExactly("10", "10 again", "30");
      assertThat(firedAt[0] - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(40));
    }
  }

  @Test
  void aCancelledTimerDoesNotRun() {
    List<String> log = new ArrayList<>();
    try (EventLoop loop = EventLoop.builder().name("t").build()) {
      TimerHandle h = loop.callLater(Duration.ofMillis(5), () -> log.add("cancelled one"));
      loop.callLater(Duration.ofMillis(20), loop::stop);
      h.cancel();
      assertThat(h.isCancelled()).isTrue();
      loop.runForever();
      assertThat(log).isEmpty();
    }
  }

  @Test
  void manyCancelledTimersAreCompactedAway() {
    try (EventLoop loop = EventLoop.builder().name("t").build()) {
      List<TimerHandle> handles = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        handles.add(loop.callLater(Duration.ofHours(1), () -> {}));
      }
      for (int i = 0; i < 900; i++) {
        handles.get(i).cancel();
      }
      assertThat(loop.timers.size()).isLessThan(1000);
      assertThat(loop.timers.liveSize()).isEqualTo(100);
      int[] ran = {0};
      loop.callLater(Duration.ZERO, () -> ran[0]++);
      loop.callLater(Duration.ofMillis(1), loop::stop);
      loop.runForever();
      assertThat(ran[0]).isEqualTo(1);
    }
  }

  @Test
  void callSoonThreadSafeWakesASleepingLoop() throws Exception {
    EventLoop loop = EventLoop.builder().name("t").build();
    CompletableFuture<String> ranOn = new CompletableFuture<>();
    Thread runner =
        Thread.ofPlatform()
            .name("loop-runner")
            .start(
                () -> {
                  loop.runForever();
                  loop.close();
                });
    // The loop has nothing to do and no timer: it sleeps until woken.
    Thread.sleep(50);
    loop.callSoonThreadSafe(() -> ranOn.complete(Thread.currentThread().getName()));
    assertThat(ranOn.get(30, TimeUnit.SECONDS)).isEqualTo("loop-runner");
    loop.callSoonThreadSafe(loop::stop);
    runner.join(30_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(loop.isClosed()).isTrue();
  }

  @Test
  void manyProducersAllDeliverInPerProducerOrder() throws Exception {
    EventLoop loop = EventLoop.builder().name("t").build();
    int producers = 4;
    int each = 20_000;
    int[][] seen = new int[producers][1];
    boolean[] ordered = {true};
    CountDownLatch done = new CountDownLatch(producers * each);
    Thread runner = Thread.ofPlatform().start(loop::runForever);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int id = p;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < each; i++) {
                      int value = i;
                      loop.callSoonThreadSafe(
                          () -> {
                            if (seen[id][0] != value) {
                              ordered[0] = false;
                            }
                            seen[id][0] = value + 1;
                            done.countDown();
                          });
                    }
                  }));
    }
    assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
    loop.callSoonThreadSafe(loop::stop);
    runner.join(30_000);
    for (Thread t : threads) {
      t.join(30_000);
    }
    assertThat(ordered[0]).isTrue();
    for (int p = 0; p < producers; p++) {
      assertThat(seen[p][0]).isEqualTo(each);
    }
  }

  @Test
  void loopOnlyMethodsFromAnotherThreadFailAlways() throws Exception {
    try (EventLoop loop = EventLoop.builder().name("t").build()) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread other =
          Thread.ofPlatform()
              .name("intruder")
              .start(
                  () -> {
                    try {
                      loop.callSoon(() -> {});
                    } catch (Throwable e) {
                      failure.set(e);
                    }
                  });
      other.join(30_000);
      assertThat(failure.get())
          .isExactlyInstanceOf(BatonMisuseException.class)
          .hasMessageContaining("\"intruder\"")
          .hasMessageContaining("callSoon")
          .hasMessageContaining("callSoonThreadSafe");
      Thread other2 =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      loop.callLater(Duration.ZERO, () -> {});
                    } catch (Throwable e) {
                      failure.set(e);
                    }
                  });
      other2.join(30_000);
      assertThat(failure.get())
          .isExactlyInstanceOf(BatonMisuseException.class)
          .hasMessageContaining("called callLater on loop \"t\"")
          .hasMessageContaining("loop-only methods must be called on the loop's thread");
    }
  }

  @Test
  void closedLoopRefusesWorkAndRunningLoopRefusesClose() {
    EventLoop loop = EventLoop.builder().name("t").build();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    loop.callSoon(
        () -> {
          try {
            loop.close();
          } catch (Throwable e) {
            failure.set(e);
          }
          loop.stop();
        });
    loop.runForever();
    assertThat(failure.get())
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("closed loop \"t\" while it runs")
        .hasMessageContaining("call stop()");
    loop.close();
    loop.close();
    assertThatThrownBy(() -> loop.callSoon(() -> {}))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("called callSoon on loop \"t\", which is closed")
        .hasMessageContaining("create a new loop");
    assertThatThrownBy(() -> loop.callSoonThreadSafe(() -> {}))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("callSoonThreadSafe");
    assertThatThrownBy(() -> loop.callLater(Duration.ZERO, () -> {}))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("called callLater on loop");
    assertThatThrownBy(() -> loop.createTaskThreadSafe("late", () -> null))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> loop.createTask("late", () -> null))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("createTask");
    assertThatThrownBy(loop::runForever)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("called runForever on loop \"t\", which is closed");
  }

  @Test
  void runForeverInsideTheLoopFails() {
    try (EventLoop loop = EventLoop.builder().name("t").build()) {
      AtomicReference<Throwable> failure = new AtomicReference<>();
      loop.callSoon(
          () -> {
            try {
              loop.runForever();
            } catch (Throwable e) {
              failure.set(e);
            }
            loop.stop();
          });
      loop.runForever();
      assertThat(failure.get())
          .isExactlyInstanceOf(BatonMisuseException.class)
          .hasMessageContaining("already running")
          .hasMessageContaining("callSoonThreadSafe");
    }
  }

  @Test
  void theLoopWaitsInsideABlockingSectionSoAGilThreadReleasesItsGil() {
    int[] entered = {0};
    int[] exited = {0};
    boolean[] heldWhileRunning = {true};
    dev.baton.core.BlockingHandler gilLike =
        new dev.baton.core.BlockingHandler() {
          @Override
          public void enter() {
            entered[0]++;
          }

          @Override
          public void exit() {
            exited[0]++;
          }
        };
    try (var registration = dev.baton.core.Blocking.install(gilLike);
        EventLoop loop = EventLoop.builder().name("t").build()) {
      loop.callLater(
          Duration.ofMillis(20),
          () -> {
            // callbacks run outside the blocking section: "the GIL" is held
            heldWhileRunning[0] = !dev.baton.core.Blocking.inBlockingSection();
            loop.stop();
          });
      loop.runForever();
    }
    assertThat(entered[0]).isGreaterThanOrEqualTo(1);
    assertThat(exited[0]).isEqualTo(entered[0]);
    assertThat(heldWhileRunning[0]).isTrue();
  }

  @Test
  void badArgumentsAreNamed() {
    try (EventLoop loop = EventLoop.builder().name("t").build()) {
      assertThatThrownBy(() -> loop.callLater(Duration.ofMillis(-1), () -> {}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("delay");
      assertThatThrownBy(() -> loop.callSoon(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("callback");
    }
  }

  @Test
  void theBuilderNamesTheLoopAndRefusesThresholdsThatAreNotPositive() {
    try (EventLoop loop =
        EventLoop.builder()
            .name("io")
            .mechanism(TaskMechanism.VIRTUAL_THREADS)
            .slowCallbackThreshold(Duration.ofMillis(5))
            .blockedWarningThreshold(Duration.ofSeconds(1))
            .build()) {
      assertThat(loop.name()).isEqualTo("io");
      assertThat(loop.mechanism()).isEqualTo(TaskMechanism.VIRTUAL_THREADS);
      assertThat(loop.diagnostics.slowNanos).isEqualTo(5_000_000L);
      assertThat(loop.diagnostics.blockedNanos).isEqualTo(1_000_000_000L);
    }
    assertThatThrownBy(() -> EventLoop.builder().slowCallbackThreshold(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("slowCallbackThreshold must be positive");
    assertThatThrownBy(() -> EventLoop.builder().blockedWarningThreshold(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blockedWarningThreshold must be positive");
    assertThat(EventLoop.builder().name("b").mechanism(TaskMechanism.VIRTUAL_THREADS).run(() -> 42))
        .isEqualTo(42);
  }
}
