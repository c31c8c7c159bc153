package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.core.Blocking;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The embedder's controls at checkpoints: {@link GilRuntime#raiseInThread} (an exception raised
 * from outside) and {@link GilRuntime#addPendingCall} (a callback for the main thread).
 */
class GilRaiseTest extends GilTestBase {

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void aThreadInACpuLoopThrowsTheRaisedExceptionAtItsNextCheckpoint(GilPolicy policy)
      throws Exception {
    GilRuntime runtime = runtime(policy);
    Gil gil = runtime.gil();
    AtomicLong steps = new AtomicLong();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread cpu =
        runtime.startThread(
            "cpu",
            () -> {
              try {
                while (true) {
                  steps.incrementAndGet();
                  gil.checkpoint();
                }
              } catch (CancellationException e) {
                outcome.set(List.of(e, gil.isHeldByCurrentThread()));
              }
            });
    await().atMost(BOUND).until(() -> steps.get() > 1_000);
    CancellationException stop = new CancellationException("stopped by the embedder");

    runtime.raiseInThread(cpu, stop);
    join(cpu);

    assertThat(outcome.get()).isEqualTo(List.of(stop, true));
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void aThreadStuckInABlockingSectionThrowsItWhenTheSectionEnds(GilPolicy policy) throws Exception {
    GilRuntime runtime = runtime(policy);
    Gil gil = runtime.gil();
    CountDownLatch blocked = new CountDownLatch(1);
    CountDownLatch unblock = new CountDownLatch(1);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread io =
        runtime.startThread(
            "io",
            () -> {
              try {
                Blocking.run(
                    () -> {
                      blocked.countDown();
                      assertThat(unblock.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                    });
                outcome.set("returned normally");
              } catch (IllegalStateException e) {
                outcome.set(List.of(e, gil.isHeldByCurrentThread()));
              } catch (InterruptedException e) {
                outcome.set(e);
              }
            });
    assertThat(blocked.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    await().atMost(BOUND).until(() -> gil.holder() != io);
    IllegalStateException raised = new IllegalStateException("raised while blocked");

    runtime.raiseInThread(io, raised);
    unblock.countDown();
    join(io);

    assertThat(outcome.get()).isEqualTo(List.of(raised, true));
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void raisingInAnEndedThreadIsRefusedWithAMessage(GilPolicy policy) throws Exception {
    GilRuntime runtime = runtime(policy);
    Thread done = runtime.startThread("done", () -> {});
    join(done);

    assertThatThrownBy(() -> runtime.raiseInThread(done, new IllegalStateException()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("\"done\"")
        .hasMessageContaining("has ended");
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void theMainThreadRunsAPendingCallAtItsNextCheckpoint(GilPolicy policy) throws Exception {
    GilRuntime runtime = runtime(policy); // built here: this thread is the runtime's main thread
    Gil gil = runtime.gil();
    AtomicReference<Object> ran = new AtomicReference<>();
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      Thread adder =
          thread(
              "adder",
              () ->
                  runtime.addPendingCall(
                      () -> ran.set(List.of(Thread.currentThread(), gil.isHeldByCurrentThread()))));
      join(adder);
      long deadline = System.nanoTime() + BOUND.toNanos();
      while (ran.get() == null && System.nanoTime() < deadline) {
        gil.checkpoint();
      }
    }

    assertThat(ran.get()).isEqualTo(List.of(Thread.currentThread(), true));
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void theMainThreadRunsAPendingCallWhenItsBlockingSectionEnds(GilPolicy policy) throws Exception {
    GilRuntime runtime = runtime(policy);
    Gil gil = runtime.gil();
    AtomicReference<Object> ran = new AtomicReference<>();
    CountDownLatch added = new CountDownLatch(1);
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      thread(
          "adder",
          () -> {
            runtime.addPendingCall(() -> ran.set(gil.isHeldByCurrentThread()));
            added.countDown();
          });
      Blocking.run(() -> assertThat(added.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue());

      assertThat(ran.get()).as("ran as the section ended, holding the GIL").isEqualTo(true);
    }
  }
}
