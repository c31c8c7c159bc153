package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SyncTest {

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  private static Task<Void> task(String name, TaskBody<Void> body) {
    return EventLoop.current().createTask(name, body);
  }

  private static void awaitAll(List<Task<Void>> tasks) {
    await(Tasks.gather(tasks));
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void lockSerializesCriticalSectionsAcrossAwaitsInFifoOrder(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncLock lock = new AsyncLock();
          List<Task<Void>> ts = new ArrayList<>();
          for (String n : List.of("a", "b", "c")) {
            ts.add(
                task(
                    n,
                    () ->
                        lock.withLock(
                            () -> {
                              log.add(n + " in");
                              Tasks.sleep(Duration.ofMillis(1));
                              log.add(n + " out");
                              return null;
                            })));
          }
          awaitAll(ts);
          assertThat(lock.isLocked()).isFalse();
          return null;
        });
    assertThat(log).containsExactly("a in", "a out", "b in", "b out", "c in", "c out");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void aWaiterCancelledOnTheLockDoesNotKeepIt(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncLock lock = new AsyncLock();
          lock.lock();
          Task<Void> waiter =
              task(
                  "w",
                  () -> {
                    lock.lock();
                    return null;
                  });
          Tasks.sleep(Duration.ZERO);
          waiter.cancel();
          assertThatThrownBy(() -> await(waiter)).isInstanceOf(CancellationException.class);
          lock.unlock();
          assertThat(lock.isLocked()).isFalse();
          assertThatThrownBy(lock::unlock)
              .isExactlyInstanceOf(BatonMisuseException.class)
              .hasMessageContaining("released an AsyncLock not locked");
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void eventWakesEveryWaiter(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncEvent event = new AsyncEvent();
          List<Task<Void>> ts = new ArrayList<>();
          for (String n : List.of("a", "b")) {
            ts.add(
                task(
                    n,
                    () -> {
                      event.await();
                      log.add(n);
                      return null;
                    }));
          }
          Tasks.sleep(Duration.ofMillis(1));
          assertThat(log).isEmpty();
          event.set();
          awaitAll(ts);
          return null;
        });
    assertThat(log).containsExactly("a", "b");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void semaphoreBoundsConcurrency(TaskMechanism m) {
    int[] inside = {0};
    int[] most = {0};
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncSemaphore sem = new AsyncSemaphore(2);
          List<Task<Void>> ts = new ArrayList<>();
          for (int i = 0; i < 6; i++) {
            ts.add(
                task(
                    "w" + i,
                    () -> {
                      sem.acquire();
                      try {
                        inside[0]++;
                        most[0] = Math.max(most[0], inside[0]);
                        Tasks.sleep(Duration.ofMillis(1));
                        inside[0]--;
                      } finally {
                        sem.release();
                      }
                      return null;
                    }));
          }
          awaitAll(ts);
          assertThat(sem.availablePermits()).isEqualTo(2);
          return null;
        });
    assertThat(most[0]).isEqualTo(2);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void conditionHandsOverUnderItsLock(TaskMechanism m) {
    List<Integer> got = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncCondition cond = new AsyncCondition();
          List<Integer> box = new ArrayList<>();
          Task<Void> consumer =
              task(
                  "consumer",
                  () ->
                      cond.lock()
                          .withLock(
                              () -> {
                                while (got.size() < 3) {
                                  cond.waitFor(() -> !box.isEmpty());
                                  got.add(box.remove(0));
                                }
                                return null;
                              }));
          for (int i = 1; i <= 3; i++) {
            Tasks.sleep(Duration.ofMillis(1));
            int v = i;
            cond.lock()
                .withLock(
                    () -> {
                      box.add(v);
                      cond.signalAll();
                      return null;
                    });
          }
          await(consumer);
          return null;
        });
    assertThat(got).containsExactly(1, 2, 3);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void boundedQueueAppliesBackpressure(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncQueue<Integer> q = new AsyncQueue<>(2);
          Task<Void> producer =
              task(
                  "producer",
                  () -> {
                    for (int i = 0; i < 5; i++) {
                      q.put(i);
                      log.add("put " + i);
                    }
                    return null;
                  });
          Tasks.sleep(Duration.ofMillis(2));
          assertThat(q.size()).isEqualTo(2);
          assertThat(q.isFull()).isTrue();
          assertThat(log).containsExactly("put 0", "put 1");
          List<Integer> got = new ArrayList<>();
          for (int i = 0; i < 5; i++) {
            got.add(q.take());
          }
          await(producer);
          assertThat(got).containsExactly(0, 1, 2, 3, 4);
          assertThat(q.poll()).isNull();
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void cancelledGetterDoesNotSwallowAnItem(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncQueue<String> q = new AsyncQueue<>();
          Task<String> getter = EventLoop.current().createTask("g", q::take);
          Tasks.sleep(Duration.ZERO);
          getter.cancel();
          q.offer("x");
          assertThatThrownBy(() -> await(getter)).isInstanceOf(CancellationException.class);
          assertThat(q.take()).isEqualTo("x");
          return null;
        });
  }
}
