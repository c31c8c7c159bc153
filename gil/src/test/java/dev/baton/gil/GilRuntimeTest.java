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
        .isInstanceOf(GilRuntimeClosedException.class)
        .hasMessageContaining("start a thread");
    assertThatThrownBy(runtime::ensure).isInstanceOf(GilRuntimeClosedException.class);
    Gil gil = runtime.gil();
    assertThat(gil.isHeldByCurrentThread()).as("close() took the GIL back").isTrue();
    token.close();
    assertThatThrownBy(gil::acquire)
        .isInstanceOf(GilRuntimeClosedException.class)
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
    long[] counter = new long[1]; // guarded by the GIL
    try (GilRuntime runtime = GilRuntime.builder().name("main").policy(GilPolicy.FAIR).build()) {
      for (int t = 0; t < 4; t++) {
        runtime.startThread(
            "worker-" + t,
            () -> {
              for (int i = 0; i < 100_000; i++) {
                counter[0]++;
                runtime.gil().checkpoint();
              }
            });
      }
    }
    assertThat(counter[0]).isEqualTo(400_000);
  }

  @Test
  void theObjectSpaceIsGuardedByTheGilWithPlainCounts() throws Exception {
    GilRuntime runtime = runtime(GilRuntime.builder().name("objs"));
    ObjectSpace objects = runtime.objects();
    assertThat(objects).isSameAs(runtime.objects());
    assertThat(objects.strategy()).isEqualTo(RefCountStrategy.PLAIN);
    assertThatThrownBy(objects::newList).isInstanceOf(GilNotHeldException.class);
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
