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

/** The async primitives' java.util.concurrent-named methods: what each returns and when. */
class TwinsTest {

  /** Long enough never to elapse in a test: a wait bounded by it must end by a signal. */
  private static final Duration NEVER = Duration.ofSeconds(60);

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  private static Task<Void> task(String name, TaskBody<Void> body) {
    return EventLoop.current().createTask(name, body);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void tryLockTakesOnlyAFreeLockAndHoldUnlocksOnClose(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncLock lock = new AsyncLock();
          assertThat(lock.tryLock()).isTrue();
          assertThat(lock.tryLock()).isFalse();
          List<String> log = new ArrayList<>();
          Task<Void> waiter =
              task(
                  "w",
                  () -> {
                    try (HeldLock held = lock.hold()) {
                      log.add("w in");
                    }
                    return null;
                  });
          Tasks.sleep(Duration.ZERO);
          lock.unlock(); // handed to the waiter: no barging by tryLock meanwhile
          assertThat(lock.isLocked()).isTrue();
          assertThat(lock.tryLock()).isFalse();
          await(waiter);
          assertThat(log).containsExactly("w in");
          assertThat(lock.isLocked()).isFalse();
          assertThat(lock.tryLock()).isTrue();
          lock.unlock();
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void queueTakeTaskDoneAndJoinFollowTheBlockingQueueNames(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncQueue<String> q = new AsyncQueue<>(2);
          assertThat(q.capacity()).isEqualTo(2);
          assertThat(new AsyncQueue<String>().capacity()).isZero();
          assertThat(q.offer("a")).isTrue();
          assertThat(q.offer("b")).isTrue();
          assertThat(q.offer("c")).as("full: offer does not wait").isFalse();
          List<String> done = new ArrayList<>();
          Task<Void> joiner =
              task(
                  "joiner",
                  () -> {
                    q.join();
                    done.add("joined");
                    return null;
                  });
          assertThat(q.take()).isEqualTo("a");
          q.taskDone();
          Tasks.sleep(Duration.ZERO);
          assertThat(done).as("one item is still unfinished").isEmpty();
          assertThat(q.poll()).isEqualTo("b");
          assertThat(q.poll()).isNull();
          q.taskDone();
          await(joiner);
          assertThat(done).containsExactly("joined");
          assertThatThrownBy(q::taskDone)
              .isExactlyInstanceOf(BatonMisuseException.class)
              .hasMessageContaining("taskDone more times than items were put");
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void conditionHoldAndWaitForReadAsGilConditionsDo(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncCondition cond = new AsyncCondition();
          try (HeldLock held = cond.hold()) {
            assertThat(cond.lock().isLocked()).isTrue();
            assertThat(cond.waitFor(() -> true)).as("the predicate's value").isTrue();
          }
          assertThat(cond.lock().isLocked()).isFalse();
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void conditionAwaitWithATimeoutSaysWhetherItWasSignalled(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncCondition cond = new AsyncCondition();
          try (HeldLock held = cond.lock().hold()) {
            assertThat(cond.await(Duration.ofMillis(1))).as("nobody signals").isFalse();
            assertThat(cond.lock().isLocked()).as("held again after the timeout").isTrue();
          }
          boolean[] signalled = {false};
          Task<Void> waiter =
              task(
                  "w",
                  () -> {
                    try (HeldLock held = cond.lock().hold()) {
                      signalled[0] = cond.await(NEVER);
                    }
                    return null;
                  });
          Tasks.sleep(Duration.ZERO);
          try (HeldLock held = cond.lock().hold()) {
            cond.signal();
          }
          await(waiter);
          assertThat(signalled[0]).isTrue();
          assertThatThrownBy(() -> cond.await(NEVER))
              .isExactlyInstanceOf(BatonMisuseException.class)
              .hasMessageContaining("without holding its lock");
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void eventAwaitWithATimeoutReturnsTheFlag(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncEvent event = new AsyncEvent();
          assertThat(event.await(Duration.ofMillis(1))).isFalse();
          boolean[] seen = {false};
          Task<Void> waiter =
              task(
                  "w",
                  () -> {
                    seen[0] = event.await(NEVER);
                    return null;
                  });
          Tasks.sleep(Duration.ZERO);
          event.set();
          await(waiter);
          assertThat(seen[0]).isTrue();
          assertThat(event.await(Duration.ZERO)).isTrue();
          assertThatThrownBy(() -> event.await(Duration.ofMillis(-1)))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("timeout must be zero or positive");
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void semaphoreTryAcquireNeverJumpsTheQueue(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncSemaphore sem = new AsyncSemaphore(1);
          assertThat(sem.tryAcquire()).isTrue();
          assertThat(sem.tryAcquire()).isFalse();
          Task<Void> waiter =
              task(
                  "w",
                  () -> {
                    sem.acquire();
                    return null;
                  });
          Tasks.sleep(Duration.ZERO);
          sem.release(); // handed to the waiter
          assertThat(sem.tryAcquire()).isFalse();
          await(waiter);
          sem.release();
          assertThat(sem.availablePermits()).isEqualTo(1);
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void aCancelledLockWaiterLeavesNoHoldBehind(TaskMechanism m) {
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
                    try (HeldLock held = lock.hold()) {
                      throw new AssertionError("never holds it");
                    }
                  });
          Tasks.sleep(Duration.ZERO);
          waiter.cancel();
          assertThatThrownBy(() -> await(waiter)).isInstanceOf(CancellationException.class);
          lock.unlock();
          assertThat(lock.isLocked()).isFalse();
          return null;
        });
  }
}
