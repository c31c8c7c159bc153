package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The GIL's contract, run under both policies where it is shared. */
class GilTest extends GilTestBase {
  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void readModifyWriteWithoutCheckpointIsNeverInterrupted(GilPolicy policy) throws Exception {
    Gil gil = runtime(policy).gil();
    long[] counter = new long[1];
    int perThread = 20_000;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      workers.add(
          thread(
              "adder-" + t,
              () -> {
                for (int i = 0; i < perThread; i++) {
                  gil.acquire();
                  try {
                    long v = counter[0];
                    counter[0] = v + 1;
                  } finally {
                    gil.release();
                  }
                }
              }));
    }
    for (Thread w : workers) {
      join(w);
    }
    assertThat(counter[0]).isEqualTo(4L * perThread);
    assertThat(gil.stats().acquisitions()).isGreaterThanOrEqualTo(4L * perThread);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void exclusionHoldsWhenThreadsComeBackFromBlockingSections(GilPolicy policy) throws Exception {
    // threads coming back from I/O take the fast paths of both policies (FAIR: priority queue and
    // in-flight grant take-over); a plain counter must still never lose an update
    GilRuntime runtime = runtime(policy);
    Gil gil = runtime.gil();
    long[] counter = new long[1];
    int perThread = 3_000;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      workers.add(
          runtime.startThread(
              "io-" + t,
              () -> {
                for (int i = 0; i < perThread; i++) {
                  long v = counter[0];
                  counter[0] = v + 1;
                  Blocking.run(Thread::yield);
                  gil.checkpoint();
                }
              }));
    }
    workers.add(
        runtime.startThread(
            "cpu",
            () -> {
              for (int i = 0; i < perThread * 50; i++) {
                long v = counter[0];
                counter[0] = v + 1;
                gil.checkpoint();
              }
            }));
    for (Thread w : workers) {
      join(w);
    }
    assertThat(counter[0]).isEqualTo(3L * perThread + perThread * 50L);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void readModifyWriteWithCheckpointInsideCanLoseAnUpdate(GilPolicy policy) throws Exception {
    Gil gil = runtime(policy).gil();
    int[] x = new int[1];
    AtomicBoolean otherRan = new AtomicBoolean();
    gil.acquire();
    Thread other =
        holding(
            "other",
            gil,
            () -> {
              x[0] = x[0] + 1;
              otherRan.set(true);
            });
    await().atMost(BOUND).until(() -> gil.waitingThreads() == 1);
    int v = x[0];
    while (!otherRan.get()) {
      gil.checkpoint(); // the waiter asks for the GIL after one interval; we drop here
    }
    x[0] = v + 1;
    gil.release();
    join(other);
    assertThat(x[0]).as("one of two increments was lost").isEqualTo(1);
    GilStats stats = gil.stats();
    assertThat(stats.dropRequests()).isGreaterThanOrEqualTo(1);
    assertThat(stats.forcedSwitches()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aWaiterWhoseWholeTenureFitsInTheDroppersHandOverStillCountsAsAForcedSwitch()
      throws Exception {
    // CPYTHON's dropper clears holder, then takes the mutex: a waiter can take the GIL, run and
    // give it back in between, so that the dropper finds the GIL free and nobody waiting; the
    // drop still let another thread run. Staged here: "waiter" holds the mutex across that window.
    Gil gil = runtime(GilPolicy.CPYTHON).gil();
    ReentrantLock mutex = gil.sync().mutex;
    Thread dropper = Thread.currentThread();
    CountDownLatch requested = new CountDownLatch(1);
    AtomicBoolean waiterRan = new AtomicBoolean();
    gil.acquire();
    Thread waiter =
        thread(
            "waiter",
            () -> {
              mutex.lock();
              try {
                assertThat(gil.sync().requestDrop(dropper)).isTrue();
                requested.countDown();
                await().atMost(BOUND).until(() -> mutex.hasQueuedThread(dropper));
                gil.acquire(); // free: the dropper cleared holder before it asked for the mutex
                waiterRan.set(true);
                gil.release();
              } finally {
                mutex.unlock();
              }
            });
    assertThat(requested.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    gil.checkpoint();
    gil.release();
    join(waiter);
    assertThat(waiterRan).isTrue();
    GilStats stats = gil.stats();
    assertThat(stats.dropRequests()).isEqualTo(1);
    assertThat(stats.forcedSwitches()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void afterARequestedDropAWaiterRunsBeforeTheDropperRetakes(GilPolicy policy) throws Exception {
    Gil gil = runtime(policy).gil();
    int[] waiterRuns = new int[1]; // guarded by the GIL
    AtomicBoolean stop = new AtomicBoolean();
    gil.acquire();
    Thread waiter =
        thread(
            "waiter",
            () -> {
              while (!stop.get()) {
                gil.acquire();
                waiterRuns[0]++;
                gil.release();
              }
            });
    int switchesSeen = 0;
    while (switchesSeen < 20) {
      long before = gil.stats().acquisitions();
      int runsBefore = waiterRuns[0];
      gil.checkpoint();
      if (gil.stats().acquisitions() != before) {
        assertThat(waiterRuns[0])
            .as("the waiter had the GIL before the dropper took it back")
            .isGreaterThan(runsBefore);
        switchesSeen++;
      }
    }
    stop.set(true);
    gil.release();
    join(waiter);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void acquiringTwiceIsMisuse(GilPolicy policy) {
    GilRuntime runtime =
        runtime(
            GilRuntime.builder().name("twice").policy(policy).switchInterval(Duration.ofMillis(1)));
    Gil gil = runtime.gil();
    gil.acquire();
    try {
      assertThatThrownBy(gil::acquire)
          .isExactlyInstanceOf(BatonMisuseException.class)
          .hasMessageContaining("while already holding it")
          .hasMessageContaining(Thread.currentThread().getName())
          .hasMessageContaining("\"twice\"")
          .hasMessageContaining("ensure()");
      assertThat(gil.isHeldByCurrentThread()).isTrue();
    } finally {
      gil.release();
    }
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void releaseCheckpointAndCheckWithoutHoldingAreMisuse(GilPolicy policy) throws Exception {
    GilRuntime runtime =
        runtime(
            GilRuntime.builder().name("rt-x").policy(policy).switchInterval(Duration.ofMillis(1)));
    Gil gil = runtime.gil();
    String me = Thread.currentThread().getName();
    assertThatThrownBy(gil::release)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("but does not hold it")
        .hasMessageContaining("\"" + me + "\"")
        .hasMessageContaining("released")
        .hasMessageContaining("\"rt-x\"");
    assertThatThrownBy(gil::checkpoint)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("but does not hold it")
        .hasMessageContaining("\"" + me + "\"")
        .hasMessageContaining("\"rt-x\"");
    assertThatThrownBy(gil::check)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("but does not hold it");
    // held by another thread: still misuse for this one
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    Thread holder =
        holding(
            "holder",
            gil,
            () -> {
              held.countDown();
              awaitLatch(done);
            });
    assertThat(held.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(gil::release)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("but does not hold it");
    assertThatThrownBy(gil::checkpoint)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("but does not hold it");
    assertThat(gil.isHeldByCurrentThread()).isFalse();
    assertThat(gil.holder()).isSameAs(holder);
    done.countDown();
    join(holder);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void currentAndCheckpointIfHeldFollowTheHeldGil(GilPolicy policy) {
    Gil a = runtime(policy).gil();
    Gil b = runtime(policy).gil();
    assertThat(Gil.current()).isNull();
    Gil.checkpointIfHeld(); // holds none: no-op, no exception
    a.acquire();
    assertThat(Gil.current()).isSameAs(a);
    Gil.checkpointIfHeld();
    a.release();
    b.acquire();
    assertThat(Gil.current()).isSameAs(b);
    b.release();
    assertThat(Gil.current()).isNull();
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void sleepZeroYieldsToAWaiter(GilPolicy policy) throws Exception {
    Gil gil =
        runtime(GilRuntime.builder().policy(policy).switchInterval(Gil.MAX_SWITCH_INTERVAL)).gil();
    AtomicBoolean waiterRan = new AtomicBoolean();
    gil.acquire();
    Thread waiter =
        holding(
            "waiter",
            gil,
            () -> {
              waiterRan.set(true);
            });
    await().atMost(BOUND).until(() -> gil.waitingThreads() == 1);
    GilThreads.sleep(Duration.ZERO);
    assertThat(waiterRan).as("the waiter ran during sleep(0)").isTrue();
    assertThat(gil.isHeldByCurrentThread()).isTrue();
    gil.release();
    join(waiter);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void aHolderThatEndsWithoutReleasingIsDetectedAndTheGilRecovered(GilPolicy policy)
      throws Exception {
    Gil gil = runtime(policy).gil();
    Thread leaker = thread("leaker", gil::acquire);
    join(leaker);
    assertThat(gil.holder()).isSameAs(leaker);
    gil.acquire(); // bounded by the build-wide timeout: would hang without recovery
    assertThat(gil.isHeldByCurrentThread()).isTrue();
    gil.release();
    assertThat(gil.stats().recoveries()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void watchdogCountsAHolderThatIgnoresDropRequests(GilPolicy policy) throws Exception {
    Gil gil =
        runtime(
                GilRuntime.builder()
                    .policy(policy)
                    .switchInterval(Duration.ofMillis(1))
                    .watchdogThreshold(Duration.ofMillis(5)))
            .gil();
    gil.acquire();
    Thread waiter = holding("waiter", gil, () -> {});
    // hold without a checkpoint until the watchdog has noticed
    await().atMost(BOUND).until(() -> gil.stats().watchdogWarnings() >= 1);
    gil.release();
    join(waiter);
    assertThat(gil.stats().watchdogWarnings()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void watchdogOffCountsNothing(GilPolicy policy) throws Exception {
    Gil gil =
        runtime(
                GilRuntime.builder()
                    .policy(policy)
                    .switchInterval(Duration.ofMillis(1))
                    .watchdogOff())
            .gil();
    assertThat(gil.watchdogThreshold()).isNull();
    gil.acquire();
    Thread waiter = holding("waiter", gil, () -> {});
    await().atMost(BOUND).until(() -> gil.stats().dropRequests() >= 1);
    Thread.sleep(50); // many intervals with the drop request ignored
    gil.release();
    join(waiter);
    assertThat(gil.stats().watchdogWarnings()).isZero();
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void blockingSectionsReleaseTheGil(GilPolicy policy) throws Exception {
    GilRuntime runtime = runtime(policy);
    CountDownLatch fromB = new CountDownLatch(1);
    AtomicBoolean aGotIt = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread a =
        runtime.startThread(
            "a",
            () -> {
              try {
                aGotIt.set(Blocking.call(() -> fromB.await(BOUND.toSeconds(), TimeUnit.SECONDS)));
                assertThat(runtime.gil().isHeldByCurrentThread()).isTrue();
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    await().atMost(BOUND).until(() -> a.getState() == Thread.State.TIMED_WAITING);
    Thread b = runtime.startThread("b", fromB::countDown);
    join(a);
    join(b);
    assertThat(failure.get()).isNull();
    assertThat(aGotIt).as("b ran while a was blocked").isTrue();
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void statsCountAndStayConsistent(GilPolicy policy) throws Exception {
    GilRuntime runtime =
        runtime(
            GilRuntime.builder()
                .policy(policy)
                .switchInterval(Duration.ofMillis(1))
                .holdTiming(true));
    Gil gil = runtime.gil();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      spinners.add(
          runtime.startThread(
              "spinner-" + i,
              () -> {
                while (!stop.get()) {
                  gil.checkpoint();
                }
              }));
    }
    await().atMost(BOUND).until(() -> gil.stats().forcedSwitches() >= 10);
    stop.set(true);
    for (Thread t : spinners) {
      join(t);
    }
    GilStats stats = gil.stats();
    assertThat(stats.holdTimed()).isTrue();
    assertThat(stats.policy()).isEqualTo(policy);
    assertThat(stats.handOffs()).isGreaterThanOrEqualTo(10);
    assertThat(stats.dropRequests()).isGreaterThanOrEqualTo(stats.forcedSwitches());
    assertThat(stats.waits()).isGreaterThan(0);
    assertThat(stats.waitP50()).isLessThanOrEqualTo(stats.waitP99());
    assertThat(stats.waitP99()).isLessThanOrEqualTo(stats.waitMax());
    assertThat(stats.waitMax()).isPositive();
    assertThat(stats.heldFraction()).isBetween(0.0, 1.0).isPositive();
    assertThat(stats.contendedFraction()).isBetween(0.0, 1.0).isPositive();
    assertThat(stats.threads())
        .extracting(GilStats.ThreadTotals::thread)
        .contains("spinner-0", "spinner-1");
    for (GilStats.ThreadTotals t : stats.threads()) {
      if (t.thread().startsWith("spinner")) {
        assertThat(t.acquisitions()).isGreaterThan(1);
        assertThat(t.held()).isPositive();
        assertThat(t.waited()).isPositive();
      }
    }
  }

  @Test
  void withoutHoldTimingTheHoldFiguresSayUnknown() {
    Gil gil = runtime(GilPolicy.FAIR).gil();
    gil.acquire();
    gil.release();
    GilStats stats = gil.stats();
    assertThat(stats.holdTimed()).isFalse();
    assertThat(stats.heldFraction()).isNaN();
    assertThat(stats.acquisitions()).isEqualTo(1);
    assertThat(stats.threads())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.acquisitions()).isEqualTo(1);
              assertThat(t.held()).isZero();
            });
  }

  @Test
  void fairGivesAThreadComingBackFromIoTheGilAtTheNextCheckpoint() throws Exception {
    // With a 10 s interval, only the coming-back priority can hand the GIL over within the bound.
    GilRuntime runtime =
        runtime(
            GilRuntime.builder().policy(GilPolicy.FAIR).switchInterval(Gil.MAX_SWITCH_INTERVAL));
    Gil gil = runtime.gil();
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ioThreadRan = new AtomicBoolean();
    AtomicBoolean spinnerStarted = new AtomicBoolean();
    Thread io =
        runtime.startThread(
            "io",
            () -> {
              awaitLatchBlocking(release);
              ioThreadRan.set(true);
            });
    Thread spinner =
        runtime.startThread(
            "spinner",
            () -> {
              spinnerStarted.set(true);
              long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
              while (!ioThreadRan.get() && System.nanoTime() < deadline) {
                gil.checkpoint();
              }
            });
    await().atMost(BOUND).untilTrue(spinnerStarted);
    release.countDown();
    join(spinner);
    join(io);
    assertThat(ioThreadRan).as("the I/O thread got the GIL before the spinner gave up").isTrue();
  }

  @Test
  void fairHandsOffInArrivalOrder() throws Exception {
    GilRuntime runtime =
        runtime(
            GilRuntime.builder().policy(GilPolicy.FAIR).switchInterval(Gil.MAX_SWITCH_INTERVAL));
    Gil gil = runtime.gil();
    List<String> order = new ArrayList<>(); // guarded by the GIL
    gil.acquire();
    List<Thread> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String name = "w" + i;
      waiters.add(
          holding(
              name,
              gil,
              () -> {
                order.add(name);
              }));
      int expected = i + 1;
      await().atMost(BOUND).until(() -> gil.waitingThreads() == expected);
    }
    gil.release();
    for (Thread w : waiters) {
      join(w);
    }
    assertThat(order).containsExactly("w0", "w1", "w2", "w3");
  }

  @Test
  void switchIntervalIsValidatedAndSettableLive() {
    Gil gil = runtime(GilPolicy.FAIR).gil();
    assertThat(gil.switchInterval()).isEqualTo(Duration.ofMillis(1));
    gil.setSwitchInterval(Duration.ofMillis(7));
    assertThat(gil.switchInterval()).isEqualTo(Duration.ofMillis(7));
    assertThat(gil.stats().switchInterval()).isEqualTo(Duration.ofMillis(7));
    for (Duration bad :
        List.of(Duration.ZERO, Duration.ofMillis(-5), Duration.ofNanos(10), Duration.ofHours(1))) {
      assertThatThrownBy(() -> gil.setSwitchInterval(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("switchInterval")
          .hasMessageContaining(bad.toString());
      assertThatThrownBy(() -> GilRuntime.builder().switchInterval(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("switchInterval");
    }
    assertThatThrownBy(() -> gil.setSwitchInterval(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("switchInterval");
    assertThatThrownBy(() -> GilRuntime.builder().watchdogThreshold(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("watchdogThreshold");
    assertThat(gil.switchInterval()).isEqualTo(Duration.ofMillis(7));
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      assertThat(latch.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void awaitLatchBlocking(CountDownLatch latch) {
    try {
      assertThat(Blocking.call(() -> latch.await(BOUND.toSeconds(), TimeUnit.SECONDS))).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
