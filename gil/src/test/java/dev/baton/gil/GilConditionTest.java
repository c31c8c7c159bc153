package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One suite over both kinds of lock a condition can be built on. */
class GilConditionTest {

  static Stream<Supplier<GilAcquirable>> locks() {
    return Stream.of(GilLock::new, GilRLock::new);
  }

  private final RecordingHandler handler = new RecordingHandler();

  @ParameterizedTest
  @MethodSource("locks")
  void awaitReleasesTheLockAndTheGilUntilSignalled(Supplier<GilAcquirable> kind) throws Exception {
    GilCondition condition = new GilCondition(kind.get());
    AtomicInteger state = new AtomicInteger();
    CompletableFuture<Integer> waiter =
        handler.start(
            "waiter",
            () -> {
              try (HeldLock held = condition.hold()) {
                condition.await();
                return state.get();
              }
            });
    assertThat(handler.awaitEntered()).isTrue();
    try (HeldLock held = condition.hold()) { // possible only because the waiter released the lock
      state.set(7);
      condition.signal();
    }
    assertThat(result(waiter)).isEqualTo(7);
    assertThat(handler.enters).hasValue(1);
    assertThat(handler.exits).hasValue(1);
    assertThat(condition.lock().tryLock()).as("the waiter released it at the end").isTrue();
  }

  @ParameterizedTest
  @MethodSource("locks")
  void timedAwaitReturnsFalseWithTheLockHeldAgain(Supplier<GilAcquirable> kind) throws Exception {
    GilCondition condition = new GilCondition(kind.get());
    condition.lock().lock();
    try {
      assertThat(condition.await(Duration.ofMillis(20))).isFalse();
      assertThat(heldByCaller(condition.lock())).isTrue();
      assertThat(condition.await(Duration.ZERO)).isFalse();
      assertThat(heldByCaller(condition.lock())).isTrue();
    } finally {
      condition.lock().unlock();
    }
    assertThat(heldByCaller(condition.lock())).isFalse();
  }

  private static boolean heldByCaller(GilAcquirable lock) {
    return switch (lock) {
      case GilLock plain -> plain.isLocked();
      case GilRLock reentrant -> reentrant.isHeldByCurrentThread();
    };
  }

  @ParameterizedTest
  @MethodSource("locks")
  void waitForReturnsOnceThePredicateHolds(Supplier<GilAcquirable> kind) throws Exception {
    GilCondition condition = new GilCondition(kind.get());
    AtomicInteger items = new AtomicInteger();
    CompletableFuture<Boolean> consumer =
        handler.start(
            "consumer",
            () -> {
              try (HeldLock held = condition.hold()) {
                return condition.waitFor(() -> items.get() == 3);
              }
            });
    assertThat(handler.awaitEntered()).isTrue();
    for (int i = 0; i < 3; i++) {
      try (HeldLock held = condition.hold()) {
        items.incrementAndGet();
        condition.signalAll();
      }
    }
    assertThat(result(consumer)).isTrue();
    assertThat(handler.exits.get()).isEqualTo(handler.enters.get());
  }

  @ParameterizedTest
  @MethodSource("locks")
  void waitForWithATruePredicateDoesNotWait(Supplier<GilAcquirable> kind) throws Exception {
    GilCondition condition = new GilCondition(kind.get());
    boolean result =
        result(
            handler.start(
                "satisfied",
                () -> {
                  try (HeldLock held = condition.hold()) {
                    return condition.waitFor(() -> true, Duration.ofSeconds(5));
                  }
                }));
    assertThat(result).isTrue();
    assertThat(handler.enters).hasValue(0);
  }

  @ParameterizedTest
  @MethodSource("locks")
  void waitForTimesOutWithThePredicatesLastValue(Supplier<GilAcquirable> kind) throws Exception {
    GilCondition condition = new GilCondition(kind.get());
    AtomicInteger evaluations = new AtomicInteger();
    condition.lock().lock();
    try {
      assertThat(condition.waitFor(() -> evaluations.incrementAndGet() < 0, Duration.ofMillis(30)))
          .isFalse();
    } finally {
      condition.lock().unlock();
    }
    assertThat(evaluations.get()).isGreaterThanOrEqualTo(2);
  }

  @ParameterizedTest
  @MethodSource("locks")
  void interruptWhileWaitingThrowsWithTheLockHeldAgain(Supplier<GilAcquirable> kind)
      throws Exception {
    GilCondition condition = new GilCondition(kind.get());
    CompletableFuture<Boolean> waiter =
        handler.start(
            "interrupted",
            () -> {
              condition.lock().lock();
              try {
                condition.await();
                return false;
              } catch (InterruptedException expected) {
                return heldByCaller(condition.lock());
              } finally {
                condition.lock().unlock();
              }
            });
    assertThat(handler.awaitEntered()).isTrue();
    handler.thread().interrupt();
    assertThat(result(waiter)).isTrue();
  }

  @ParameterizedTest
  @MethodSource("locks")
  void waitingOrSignallingWithoutTheLockIsMisuse(Supplier<GilAcquirable> kind) {
    GilCondition condition = new GilCondition(kind.get());
    assertThatThrownBy(condition::await)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("without holding the lock")
        .hasMessageContaining("await")
        .hasMessageContaining(Thread.currentThread().getName());
    assertThatThrownBy(condition::signal)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("without holding the lock");
    assertThatThrownBy(condition::signalAll)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("without holding the lock");
    assertThatThrownBy(() -> condition.waitFor(() -> true))
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("without holding the lock");
  }

  @ParameterizedTest
  @MethodSource("locks")
  void rejectsBadArguments(Supplier<GilAcquirable> kind) throws Exception {
    GilCondition condition = new GilCondition(kind.get());
    condition.lock().lock();
    try {
      assertThatThrownBy(() -> condition.await(Duration.ofMillis(-5)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("timeout");
      assertThatThrownBy(() -> condition.signal(-1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("n must be");
      assertThatThrownBy(() -> condition.waitFor(null)).isInstanceOf(NullPointerException.class);
    } finally {
      condition.lock().unlock();
    }
    assertThatThrownBy(() -> new GilCondition(null)).isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @MethodSource("locks")
  void signalWakesAtMostN(Supplier<GilAcquirable> kind) throws Exception {
    GilCondition condition = new GilCondition(kind.get());
    AtomicInteger waiting = new AtomicInteger();
    AtomicInteger woken = new AtomicInteger();
    List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(
          new RecordingHandler()
              .start(
                  "waiter-" + i,
                  () -> {
                    try (HeldLock held = condition.hold()) {
                      waiting.incrementAndGet();
                      condition.await();
                      woken.incrementAndGet();
                      return true;
                    }
                  }));
    }
    await().atMost(Duration.ofSeconds(RecordingHandler.WAIT_SECONDS)).untilAtomic(waiting, is(3));
    // Each waiter counted itself under the lock, so holding it now means all three are waiting.
    try (HeldLock held = condition.hold()) {
      condition.signal(2);
    }
    await().atMost(Duration.ofSeconds(RecordingHandler.WAIT_SECONDS)).untilAtomic(woken, is(2));
    try (HeldLock held = condition.hold()) {
      assertThat(woken.get()).as("the third is still waiting").isEqualTo(2);
      condition.signalAll();
    }
    for (CompletableFuture<Boolean> waiter : waiters) {
      assertThat(result(waiter)).isTrue();
    }
    assertThat(woken.get()).isEqualTo(3);
  }

  @Test
  void overAPlainLockAnyThreadMaySignalWhileItIsLocked() throws Exception {
    GilLock lock = new GilLock();
    GilCondition condition = new GilCondition(lock);
    lock.lock();
    result(CompletableFuture.runAsync(condition::signalAll)); // Python's rule for a plain Lock
    lock.unlock();
    assertThatThrownBy(condition::signalAll)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("without holding the lock");
  }

  @Test
  void overAReentrantLockOnlyTheOwnerMaySignal() throws Exception {
    GilRLock lock = new GilRLock();
    GilCondition condition = new GilCondition(lock);
    lock.lock();
    try {
      CompletableFuture<Void> other = CompletableFuture.runAsync(condition::signalAll);
      assertThatThrownBy(() -> result(other))
          .cause()
          .isExactlyInstanceOf(BatonMisuseException.class)
          .hasMessageContaining("without holding the lock");
    } finally {
      lock.unlock();
    }
  }

  @Test
  void defaultConditionUsesAReentrantLock() {
    assertThat(new GilCondition().lock()).isInstanceOf(GilRLock.class);
  }
}
