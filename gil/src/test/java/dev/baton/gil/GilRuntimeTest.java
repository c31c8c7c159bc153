package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RcList;
import dev.baton.core.object.RefCountStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Runtime threads, ensure(), shutdown, independence of runtimes, and the GIL-off mode. */
class GilRuntimeTest extends GilTestBase {
  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void aRuntimeThreadHoldsTheGilWhileItsBodyRunsAndReleasesItAfter(GilPolicy policy)
      throws Exception {
    GilRuntime runtime = runtime(policy);
    AtomicBoolean heldInBody = new AtomicBoolean();
    AtomicReference<Gil> currentInBody = new AtomicReference<>();
    Thread t =
        runtime.startThread(
            "body",
            () -> {
              heldInBody.set(runtime.gil().isHeldByCurrentThread());
              currentInBody.set(Gil.current());
            });
    join(t);
    assertThat(t.getName()).isEqualTo("body");
    assertThat(t.isDaemon()).isFalse();
    assertThat(heldInBody).isTrue();
    assertThat(currentInBody.get()).isSameAs(runtime.gil());
    assertThat(runtime.gil().holder()).isNull();
    assertThat(runtime.stats().recoveries()).isZero();
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void aThrowingBodyReleasesTheGilAndReachesTheHandler(GilPolicy policy) throws Exception {
    AtomicReference<Throwable> seen = new AtomicReference<>();
    AtomicReference<Thread> seenThread = new AtomicReference<>();
    GilRuntime runtime =
        runtime(
            GilRuntime.builder()
                .policy(policy)
                .uncaughtExceptionHandler(
                    (thread, failure) -> {
                      seenThread.set(thread);
                      seen.set(failure);
                    }));
    IllegalStateException boom = new IllegalStateException("boom");
    Thread t =
        runtime.startThread(
            "thrower",
            () -> {
              throw boom;
            });
    join(t);
    assertThat(seen.get()).isSameAs(boom);
    assertThat(seenThread.get()).isSameAs(t);
    assertThat(runtime.gil().holder()).isNull();
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      assertThat(ensured.acquired()).isTrue();
    }
  }

  @Test
  void virtualThreadsCanBeChosen() throws Exception {
    GilRuntime runtime = runtime(GilRuntime.builder().virtualThreads(true));
    AtomicBoolean held = new AtomicBoolean();
    Thread t = runtime.startThread("v", () -> held.set(runtime.gil().isHeldByCurrentThread()));
    join(t);
    assertThat(t.isVirtual()).isTrue();
    assertThat(held).isTrue();
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void ensureWorksFromAForeignThreadNestsAndInstallsReleaseOnIo(GilPolicy policy) throws Exception {
    GilRuntime runtime = runtime(policy);
    Gil gil = runtime.gil();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread foreign =
        Thread.ofPlatform()
            .name("foreign")
            .start(
                () -> {
                  try {
                    try (GilRuntime.Ensured outer = runtime.ensure()) {
                      assertThat(outer.acquired()).isTrue();
                      assertThat(gil.isHeldByCurrentThread()).isTrue();
                      try (GilRuntime.Ensured inner = runtime.ensure()) {
                        assertThat(inner.acquired()).isFalse();
                      }
                      assertThat(gil.isHeldByCurrentThread()).isTrue();
                      Blocking.run(
                          () -> assertThat(gil.isHeldByCurrentThread()).as("released").isFalse());
                      assertThat(gil.isHeldByCurrentThread()).isTrue();
                    }
                    assertThat(gil.isHeldByCurrentThread()).isFalse();
                    assertThat(Blocking.currentHandler()).isNull();
                  } catch (Throwable t) {
                    failure.set(t);
                  }
                });
    join(foreign);
    assertThat(failure.get()).isNull();
  }

  @Test
  void ensureTokensAreConfinedAndClosedOnce() throws Exception {
    GilRuntime runtime = runtime(GilPolicy.FAIR);
    GilRuntime.Ensured token = runtime.ensure();
    AtomicReference<Throwable> fromOther = new AtomicReference<>();
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    token.close();
                  } catch (Throwable t) {
                    fromOther.set(t);
                  }
                });
    join(other);
    assertThat(fromOther.get())
        .isInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("the thread that called ensure()");
    token.close();
    assertThatThrownBy(token::close)
        .isInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("twice");
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void closeWaitsForNonDaemonThreadsReleasingTheGilThenRefusesNewWork(GilPolicy policy)
      throws Exception {
    GilRuntime runtime = runtime(policy);
    AtomicBoolean finished = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    Thread worker =
        runtime.startThread(
            "worker",
            () -> {
              started.countDown();
              try {
                GilThreads.sleep(Duration.ofMillis(20));
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              for (int i = 0; i < 1000; i++) {
                runtime.gil().checkpoint();
              }
              finished.set(true);
            });
    assertThat(started.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    // close while holding the GIL: it must release it, or the worker could never finish
    GilRuntime.Ensured token = runtime.ensure();
    runtime.close();
    assertThat(finished).isTrue();
    assertThat(worker.isAlive()).isFalse();
    assertThat(runtime.isClosed()).isTrue();
    assertThatThrownBy(() -> runtime.startThread("late", () -> {}))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("after it was closed")
        .hasMessageContaining("start a thread");
    assertThatThrownBy(runtime::ensure)
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("tried to ensure() the GIL");
    Gil gil = runtime.gil();
    assertThat(gil.isHeldByCurrentThread()).as("close() took the GIL back").isTrue();
    token.close();
    assertThatThrownBy(gil::acquire)
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("tried to acquire the GIL")
        .hasMessageContaining(runtime.name());
    runtime.close(); // idempotent
  }

  @Test
  void closeDoesNotWaitForDaemonThreads() throws Exception {
    GilRuntime runtime = runtime(GilPolicy.FAIR);
    CountDownLatch never = new CountDownLatch(1);
    Thread daemon =
        runtime.startDaemonThread(
            "daemon",
            () -> {
              try {
                GilThreads.call(() -> never.await(BOUND.toSeconds(), TimeUnit.SECONDS));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    assertThat(daemon.isDaemon()).isTrue();
    runtime.close();
    assertThat(runtime.isClosed()).isTrue();
    never.countDown();
    join(daemon);
  }

  @Test
  void runtimesAreIndependent() throws Exception {
    GilRuntime a = runtime(GilRuntime.builder().name("a"));
    GilRuntime b = runtime(GilRuntime.builder().name("b"));
    a.gil().acquire();
    AtomicBoolean bHeldMeanwhile = new AtomicBoolean();
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (GilRuntime.Ensured ensured = b.ensure()) {
                    bHeldMeanwhile.set(b.gil().isHeldByCurrentThread());
                  }
                });
    join(other);
    a.gil().release();
    assertThat(bHeldMeanwhile).isTrue();
    assertThat(a.stats().runtime()).isEqualTo("a");
    assertThat(b.stats().runtime()).isEqualTo("b");
  }

  /**
   * Thread "a-then-b" holds a's GIL and enters b while "b-then-a" holds b's and enters a: the
   * lock-order deadlock that ensure() avoids by releasing the GIL a thread holds before it waits
   * for another runtime's (one GIL per thread at a time, as CPython's thread-state swap).
   */
  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void threadsEnteringEachOthersRuntimeInOppositeOrdersDoNotDeadlock(GilPolicy policy)
      throws Exception {
    GilRuntime a = runtime(GilRuntime.builder().name("a").policy(policy));
    GilRuntime b = runtime(GilRuntime.builder().name("b").policy(policy));
    CyclicBarrier bothHoldTheirOwn = new CyclicBarrier(2);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (GilRuntime[] order : List.of(new GilRuntime[] {a, b}, new GilRuntime[] {b, a})) {
      GilRuntime own = order[0];
      GilRuntime other = order[1];
      threads.add(
          thread(
              own.name() + "-then-" + other.name(),
              () -> {
                try (GilRuntime.Ensured mine = own.ensure()) {
                  bothHoldTheirOwn.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                  try (GilRuntime.Ensured theirs = other.ensure()) {
                    assertThat(theirs.acquired()).isTrue();
                    assertThat(Gil.current()).isSameAs(other.gil());
                    assertThat(own.gil().isHeldByCurrentThread())
                        .as("the own runtime's GIL is released inside the other's scope")
                        .isFalse();
                  }
                  assertThat(own.gil().isHeldByCurrentThread()).isTrue();
                } catch (Throwable t) {
                  failure.compareAndSet(null, t);
                }
              }));
    }
    for (Thread t : threads) {
      join(t);
    }
    assertThat(failure.get()).isNull();
    assertThat(a.gil().holder()).isNull();
    assertThat(b.gil().holder()).isNull();
  }

  @Test
  void ensureOfAClosedRuntimeGivesTheCallerItsOwnGilBack() {
    GilRuntime a = runtime(GilRuntime.builder().name("a"));
    GilRuntime closed = runtime(GilRuntime.builder().name("gone"));
    closed.close();
    try (GilRuntime.Ensured inA = a.ensure()) {
      assertThatThrownBy(closed::ensure)
          .isExactlyInstanceOf(RejectedExecutionException.class)
          .hasMessageContaining("after it was closed");
      assertThat(a.gil().isHeldByCurrentThread()).isTrue();
    }
  }

  /**
   * A raw acquire of another runtime's GIL while holding one cannot be made safe; the watchdog
   * names it as a wait for a GIL, not as a holder that skips checkpoints.
   */
  @Test
  void theWatchdogNamesAHolderThatWaitsForAnotherRuntimesGil() throws Exception {
    GilRuntime a =
        runtime(
            GilRuntime.builder()
                .name("wa")
                .switchInterval(Duration.ofMillis(1))
                .watchdogThreshold(Duration.ofMillis(5)));
    GilRuntime b = runtime(GilRuntime.builder().name("wb").watchdogOff()); // only a's reports
    CountDownLatch bHeld = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    thread(
        "holds-b",
        () -> {
          try (GilRuntime.Ensured inB = b.ensure()) {
            bHeld.countDown();
            letGo.await(BOUND.toSeconds(), TimeUnit.SECONDS); // holding b's GIL meanwhile
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(bHeld.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    Thread rawA =
        holding(
            "raw-a-then-b",
            a.gil(),
            () -> {
              b.gil().acquire();
              b.gil().release();
            });
    await().atMost(BOUND).until(() -> a.gil().holder() == rawA && b.gil().waitingThreads() == 1);
    String log =
        StderrCapture.of(
            () -> {
              Thread waiter = holding("waits-for-a", a.gil(), () -> {});
              await().atMost(BOUND).until(() -> a.stats().watchdogWarnings() >= 1);
              letGo.countDown();
              join(waiter);
            });
    assertThat(log)
        .contains(
            "thread \"raw-a-then-b\" holds the GIL of runtime \"wa\" and is itself waiting to"
                + " take a GIL")
        .contains("ensure()")
        .doesNotContain("\"raw-a-then-b\" holds the GIL of runtime \"wa\" and has not reached");
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void boundedCloseGivesUpOnAThreadThatDoesNotEndAndRefusesNewWork(GilPolicy policy)
      throws Exception {
    GilRuntime runtime = runtime(policy);
    CountDownLatch letGo = new CountDownLatch(1);
    CountDownLatch waiting = new CountDownLatch(1);
    Thread stuck =
        runtime.startThread(
            "stuck",
            () -> {
              try {
                GilThreads.call(
                    () -> {
                      waiting.countDown();
                      return letGo.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                    });
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              runtime.gil().checkpoint(); // holds the GIL again after its blocking section
            });
    assertThat(waiting.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String log = StderrCapture.of(() -> assertThat(runtime.close(Duration.ofMillis(20))).isFalse());
    assertThat(log).contains("non-daemon thread \"stuck\" still running");
    assertThat(runtime.isClosed()).isTrue();
    assertThat(stuck.isAlive()).isTrue();
    assertThatThrownBy(runtime::ensure)
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("tried to ensure() the GIL");
    assertThatThrownBy(() -> runtime.startThread("late", () -> {}))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("tried to start a thread");
    letGo.countDown();
    join(stuck);
    assertThat(runtime.close(Duration.ZERO)).isTrue();
    assertThatThrownBy(() -> runtime.close(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void boundedCloseReturnsTrueWhenTheThreadsEndInTime() throws Exception {
    GilRuntime runtime = runtime(GilPolicy.FAIR);
    AtomicBoolean finished = new AtomicBoolean();
    runtime.startThread("quick", () -> finished.set(true));
    assertThat(runtime.close(BOUND)).isTrue();
    assertThat(finished).isTrue();
  }

  /**
   * Closing runtime b from inside runtime a, while b's last thread needs a to finish: the wait for
   * b's threads is a blocking section of a, so it releases a's GIL.
   */
  @Test
  void closeFromInsideAnotherRuntimeReleasesThatRuntimesGilWhileItWaits() throws Exception {
    GilRuntime a = runtime(GilRuntime.builder().name("a"));
    GilRuntime b = runtime(GilRuntime.builder().name("b"));
    AtomicBoolean enteredA = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(1);
    Thread closer =
        thread(
            "closer",
            () -> {
              try (GilRuntime.Ensured inA = a.ensure()) {
                b.startThread(
                    "needs-a",
                    () -> {
                      started.countDown();
                      try (GilRuntime.Ensured e = a.ensure()) {
                        enteredA.set(true);
                      }
                    });
                try {
                  started.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                b.close();
                assertThat(a.gil().isHeldByCurrentThread()).isTrue();
              }
            });
    join(closer);
    assertThat(enteredA).isTrue();
    assertThat(b.isClosed()).isTrue();
  }

  @Test
  void withTheGilOffThreadsRunAtTheSameTime() throws Exception {
    GilRuntime runtime = runtime(GilRuntime.builder().gil(false));
    Gil gil = runtime.gil();
    assertThat(gil.isEnabled()).isFalse();
    CyclicBarrier bothInside = new CyclicBarrier(2);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      threads.add(
          runtime.startThread(
              "free-" + i,
              () -> {
                try {
                  gil.checkpoint();
                  gil.check();
                  // both bodies "hold" the GIL at once: with a real GIL this would time out
                  bothInside.await(BOUND.toSeconds(), TimeUnit.SECONDS);
                } catch (Exception e) {
                  failure.set(e);
                }
              }));
    }
    for (Thread t : threads) {
      join(t);
    }
    assertThat(failure.get()).isNull();
    gil.acquire();
    gil.acquire(); // a no-op GIL has no holder to be reentrant on
    gil.release();
    assertThat(Gil.current()).isNull();
  }

  @Test
  void builderRejectsBadInput() {
    assertThatThrownBy(() -> GilRuntime.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> GilRuntime.builder().policy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("policy");
    assertThatThrownBy(() -> GilRuntime.builder().watchdogThreshold(Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("watchdogThreshold");
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void gilThreadsHelpersReleaseTheGilWhileTheyWait(GilPolicy policy) throws Exception {
    GilRuntime runtime = runtime(policy);
    Gil gil = runtime.gil();
    CompletableFuture<String> future = new CompletableFuture<>();
    AtomicReference<Object> results = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    // raw holder (no handler installed): the helpers release the GIL themselves
    Thread rawHolder =
        Thread.ofPlatform()
            .name("raw")
            .start(
                () -> {
                  gil.acquire();
                  try {
                    Thread helper = runtime.startThread("completer", () -> future.complete("ok"));
                    String value = GilThreads.get(future, BOUND);
                    GilThreads.join(helper);
                    Process process =
                        new ProcessBuilder(
                                ProcessHandle.current().info().command().orElse("java"), "-version")
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start();
                    int exit = GilThreads.waitFor(process);
                    results.set(List.of(value, exit, gil.isHeldByCurrentThread()));
                  } catch (Throwable t) {
                    failure.set(t);
                  } finally {
                    gil.release();
                  }
                });
    join(rawHolder);
    assertThat(failure.get()).isNull();
    assertThat(results.get()).isEqualTo(List.of("ok", 0, true));
  }

  @Test
  void sleepRejectsNegativeDurations() {
    assertThatThrownBy(() -> GilThreads.sleep(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duration");
    assertThatThrownBy(() -> GilThreads.join(Thread.currentThread(), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void aRuntimeThreadInterruptedWhileBlockedGetsTheGilBackAndKeepsTheInterrupt() throws Exception {
    GilRuntime runtime = runtime(GilPolicy.FAIR);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread t =
        runtime.startThread(
            "sleeper",
            () -> {
              try {
                GilThreads.sleep(BOUND);
                outcome.set("slept");
              } catch (InterruptedException e) {
                outcome.set(runtime.gil().isHeldByCurrentThread());
              }
            });
    await().atMost(BOUND).until(() -> t.getState() == Thread.State.TIMED_WAITING);
    t.interrupt();
    join(t);
    assertThat(outcome.get()).isEqualTo(true);
  }

  @Test
  void theReadmeSampleCountsExactly() {
    // README begin
    long[] counter = new long[1]; // guarded by the GIL
    try (GilRuntime runtime = GilRuntime.builder().name("main").policy(GilPolicy.FAIR).build()) {
      for (int t = 0; t < 4; t++) {
        runtime.startThread(
            "worker-" + t,
            () -> {
              for (int i = 0; i < 100_000; i++) {
                counter[0]++; // no checkpoint between the read and the write: no lost update
                runtime.gil().checkpoint(); // the GIL may pass to another thread here
              }
            });
      }
    } // close() waits for the threads, as interpreter shutdown does
    // README end
    assertThat(counter[0]).isEqualTo(400_000);
  }

  @Test
  void theObjectSpaceIsGuardedByTheGilWithPlainCounts() throws Exception {
    GilRuntime runtime = runtime(GilRuntime.builder().name("objs"));
    ObjectSpace objects = runtime.objects();
    assertThat(objects).isSameAs(runtime.objects());
    assertThat(objects.strategy()).isEqualTo(RefCountStrategy.PLAIN);
    assertThatThrownBy(objects::newList)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("but does not hold it");
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      RcList list = objects.newList();
      assertThat(list.refCount()).isEqualTo(1);
      list.decref();
    }
    GilRuntime free = runtime(GilRuntime.builder().gil(false));
    assertThat(free.objects().strategy()).isEqualTo(RefCountStrategy.BIASED);
    free.objects().newList().decref(); // no GIL needed
  }
}
