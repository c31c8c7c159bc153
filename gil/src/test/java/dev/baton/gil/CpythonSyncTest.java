package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * CPYTHON's forced switch on a release for I/O (drop_gil's FORCE_SWITCHING), the mechanism of the
 * convoy effect, in counts: no timing is asserted.
 */
class CpythonSyncTest extends GilTestBase {

  /**
   * A holder that a waiter asked to drop, and that releases the GIL for a blocking call instead of
   * passing a checkpoint, starts its blocking action only after the waiter had the GIL. Without the
   * forced switch the action starts at once, and an I/O thread whose I/O is shorter than the
   * waiter's wake-up takes the free GIL back first: the thread that comes back from I/O never meets
   * a holder, and the convoy is gone.
   */
  @Test
  void aHolderAskedToDropThatReleasesForIoWaitsUntilTheRequesterHadTheGil() throws Exception {
    GilRuntime runtime =
        runtime(
            GilRuntime.builder()
                .policy(GilPolicy.CPYTHON)
                .switchInterval(Duration.ofMillis(1))
                .watchdogOff());
    Gil gil = runtime.gil();
    AtomicLong handOffsBefore = new AtomicLong(-1);
    AtomicLong handOffsInAction = new AtomicLong(-1);
    AtomicReference<Thread> holderInAction = new AtomicReference<>();
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Thread holder =
        runtime.startThread(
            "holder",
            () -> {
              // a waiter arrives while this thread holds the GIL and passes no checkpoint
              waiter.set(runtime.startThread("waiter", () -> {}));
              long deadline = System.nanoTime() + BOUND.toNanos();
              while (gil.stats().dropRequests() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
              }
              handOffsBefore.set(gil.stats().handOffs());
              Blocking.run(
                  () -> {
                    handOffsInAction.set(gil.stats().handOffs());
                    holderInAction.set(gil.holder());
                  });
            });
    join(holder);
    join(waiter.get());

    assertThat(gil.stats().dropRequests()).as("drop requests").isPositive();
    assertThat(handOffsInAction.get())
        .as("hand-offs seen by the blocking action, after %d before it", handOffsBefore.get())
        .isGreaterThan(handOffsBefore.get());
    assertThat(holderInAction.get()).as("holder during the action").isNotEqualTo(holder);
  }

  /**
   * With a 10 s interval no drop request comes: the holder's release for I/O alone lets the queued
   * waiter in before the blocking action starts, so that the holder, back from I/O, meets a holder.
   */
  @Test
  void aReleaseForIoWithAWaiterQueuedLetsTheWaiterInBeforeTheActionStarts() throws Exception {
    GilRuntime runtime =
        runtime(
            GilRuntime.builder()
                .policy(GilPolicy.CPYTHON)
                .switchInterval(Gil.MAX_SWITCH_INTERVAL)
                .watchdogOff());
    Gil gil = runtime.gil();
    AtomicLong handOffsInAction = new AtomicLong(-1);
    AtomicReference<Thread> waiter = new AtomicReference<>();
    Thread holder =
        runtime.startThread(
            "holder",
            () -> {
              waiter.set(runtime.startThread("waiter", () -> {}));
              long deadline = System.nanoTime() + BOUND.toNanos();
              while (gil.waitingThreads() == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
              }
              // the waiter counts from its registration, which it makes under the mutex and ends
              // by sleeping (or by taking a free GIL); once this thread has had the mutex, the
              // waiter sleeps, and only the release below can let it in
              ReentrantLock mutex = gil.sync().mutex;
              mutex.lock();
              mutex.unlock();
              Blocking.run(() -> handOffsInAction.set(gil.stats().handOffs()));
            });
    join(holder);
    join(waiter.get());

    assertThat(gil.stats().dropRequests()).isZero();
    assertThat(handOffsInAction.get()).as("hand-offs before the action").isEqualTo(1);
  }
}
