package dev.baton.gil.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.gil.GilCondition;
import dev.baton.gil.GilEvent;
import dev.baton.gil.GilQueue;
import dev.baton.gil.GilRLock;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilSchedule;
import dev.baton.gil.GilSemaphore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every GIL-aware primitive waits on the schedule: a wait nobody can end is a deadlock report that
 * names the thread and what it waits for, a timeout runs on the virtual clock, and a wait another
 * thread ends is a scheduling decision.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScheduledPrimitivesTest {

  /** A body that may throw, for the threads of these scenarios. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  @Test
  void aThreadAwaitingAnEventNobodySetsIsADeadlockReportNotAHang() throws Exception {
    Optional<Explorer.Failure> failure =
        Explorer.random()
            .runs(3)
            .explore(
                runtime -> {
                  GilEvent event = new GilEvent();
                  runtime.startThread("waiter", body(event::await));
                  return null;
                });
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("deadlock")
        .hasMessageContaining("thread 1 (\"waiter\") waits for GilEvent@")
        .hasMessageContaining("[clear]");
  }

  @Test
  void anEventSetByAnotherThreadEndsTheWaitAndATimeoutIsVirtual() throws Exception {
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Explorer.random()
        .runs(50)
        .assertNoFailure(
            runtime -> {
              seen.clear();
              GilEvent event = new GilEvent();
              GilEvent never = new GilEvent();
              runtime.startThread(
                  "waiter",
                  body(
                      () -> {
                        event.await();
                        seen.add("set");
                        seen.add("timed out " + !never.await(Duration.ofHours(1)));
                      }));
              runtime.startThread("setter", body(event::set));
              return () -> assertThat(seen).containsExactly("set", "timed out true");
            });
    GilSchedule schedule = GilSchedule.random(3);
    Explorer.Run run =
        Explorer.run(
            runtime -> {
              GilEvent never = new GilEvent();
              runtime.startThread("t", body(() -> never.await(Duration.ofHours(1))));
              return null;
            },
            schedule);
    assertThat(run.failed()).isFalse();
    assertThat(schedule.clockNanos()).isEqualTo(Duration.ofHours(1).toNanos());
  }

  @Test
  void anAbbaOnRLocksIsADeadlockReport() throws Exception {
    Optional<Explorer.Failure> failure =
        Explorer.random()
            .runs(200)
            .explore(
                runtime -> {
                  GilRLock a = new GilRLock();
                  GilRLock b = new GilRLock();
                  runtime.startThread("ab", body(() -> both(runtime, a, b)));
                  runtime.startThread("ba", body(() -> both(runtime, b, a)));
                  return null;
                });
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .hasMessageContaining("deadlock")
        .hasMessageContaining("GilRLock@")
        .hasMessageContaining("\"ab\"")
        .hasMessageContaining("\"ba\"");
  }

  @Test
  void aSemaphoreNobodyReleasesIsADeadlockAndOneReleasedPasses() throws Exception {
    Optional<Explorer.Failure> failure =
        Explorer.random()
            .runs(3)
            .explore(
                runtime -> {
                  GilSemaphore none = new GilSemaphore(0);
                  runtime.startThread("acquirer", body(none::acquire));
                  return null;
                });
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .hasMessageContaining("deadlock")
        .hasMessageContaining("waits for GilSemaphore@");
    Explorer.random()
        .runs(50)
        .assertNoFailure(
            runtime -> {
              GilSemaphore one = new GilSemaphore(0);
              runtime.startThread("acquirer", body(one::acquire));
              runtime.startThread("releaser", body(one::release));
              return null;
            });
  }

  @Test
  void aQueueTakeNobodyFeedsIsADeadlockAndABoundedPipelinePasses() throws Exception {
    Optional<Explorer.Failure> failure =
        Explorer.random()
            .runs(3)
            .explore(
                runtime -> {
                  GilQueue<Integer> queue = new GilQueue<>();
                  runtime.startThread("consumer", body(queue::take));
                  return null;
                });
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .hasMessageContaining("deadlock")
        .hasMessageContaining("waits for GilQueue@");
    Explorer.random()
        .runs(50)
        .assertNoFailure(
            runtime -> {
              GilQueue<Integer> queue = new GilQueue<>(1);
              List<Integer> got = Collections.synchronizedList(new ArrayList<>());
              runtime.startThread(
                  "producer",
                  body(
                      () -> {
                        for (int i = 0; i < 5; i++) {
                          queue.put(i);
                        }
                        queue.join();
                      }));
              runtime.startThread(
                  "consumer",
                  body(
                      () -> {
                        for (int i = 0; i < 5; i++) {
                          got.add(queue.take());
                          queue.taskDone();
                        }
                        got.add(queue.poll(Duration.ofSeconds(30)) == null ? -1 : 99);
                      }));
              return () -> assertThat(got).containsExactly(0, 1, 2, 3, 4, -1);
            });
  }

  @Test
  void aConditionNobodySignalsIsADeadlockAndWaitForWithAProducerPasses() throws Exception {
    Optional<Explorer.Failure> failure =
        Explorer.random()
            .runs(3)
            .explore(
                runtime -> {
                  GilCondition condition = new GilCondition();
                  runtime.startThread(
                      "waiter",
                      body(
                          () -> {
                            try (var held = condition.hold()) {
                              condition.await();
                            }
                          }));
                  return null;
                });
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .hasMessageContaining("deadlock")
        .hasMessageContaining("waits for GilCondition@");
    Explorer.random()
        .runs(50)
        .assertNoFailure(
            runtime -> {
              GilCondition condition = new GilCondition();
              List<String> items = new ArrayList<>();
              List<String> got = Collections.synchronizedList(new ArrayList<>());
              runtime.startThread(
                  "consumer",
                  body(
                      () -> {
                        try (var held = condition.hold()) {
                          condition.waitFor(() -> !items.isEmpty());
                          got.add(items.remove(0));
                          got.add("timed out " + !condition.await(Duration.ofMinutes(5)));
                        }
                      }));
              runtime.startThread(
                  "producer",
                  body(
                      () -> {
                        try (var held = condition.hold()) {
                          items.add("item");
                          condition.signal();
                        }
                      }));
              return () -> assertThat(got).containsExactly("item", "timed out true");
            });
  }

  private static void both(GilRuntime runtime, GilRLock first, GilRLock second)
      throws InterruptedException {
    try (var one = first.hold()) {
      runtime.gil().checkpoint();
      try (var two = second.hold()) {
        runtime.gil().checkpoint();
      }
    }
  }

  private static Runnable body(Body body) {
    return () -> {
      try {
        body.run();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }
}
