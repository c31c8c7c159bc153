package dev.baton.gil.sched;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Blocking;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilSchedule;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs whose threads block outside the schedule (JDK locks, monitors, real I/O) end as failures
 * that name the thread, within the run's blocking budget, instead of hanging the exploration.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockedOutsideScheduleTest {
  private static final Duration BUDGET = Duration.ofMillis(300);

  @Test
  void anAbbaOnReentrantLocksIsReportedNotHung() throws Exception {
    Explorer.Scenario abba =
        runtime -> {
          ReentrantLock a = new ReentrantLock();
          ReentrantLock b = new ReentrantLock();
          runtime.startThread("ab", () -> both(runtime, a, b, false));
          runtime.startThread("ba", () -> both(runtime, b, a, false));
          return null;
        };
    Optional<Explorer.Failure> failure =
        Explorer.random().runs(200).blockingBudget(BUDGET).explore(abba);
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("blocked outside the schedule")
        .hasMessageContaining("ReentrantLock")
        .hasMessageContaining("a thread waiting for the schedule holds");
    assertThat(failure.get().failure().getStackTrace()).isNotEmpty();
  }

  @Test
  void anAbbaOnReentrantLocksInsideBlockingSectionsIsReportedNotHung() throws Exception {
    Explorer.Scenario abba =
        runtime -> {
          ReentrantLock a = new ReentrantLock();
          ReentrantLock b = new ReentrantLock();
          runtime.startThread("ab", () -> both(runtime, a, b, true));
          runtime.startThread("ba", () -> both(runtime, b, a, true));
          return null;
        };
    Optional<Explorer.Failure> failure =
        Explorer.random().runs(200).blockingBudget(BUDGET).explore(abba);
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .hasMessageContaining("blocked outside the schedule")
        .hasMessageContaining("ReentrantLock")
        .hasMessageContaining("\"ab\"")
        .hasMessageContaining("\"ba\"");
  }

  @Test
  void aLockCycleBetweenTwoBlockingSectionsIsTheJvmsDeadlock() throws Exception {
    Explorer.Scenario cycle =
        runtime -> {
          ReentrantLock a = new ReentrantLock();
          ReentrantLock b = new ReentrantLock();
          CountDownLatch bothHoldOne = new CountDownLatch(2);
          runtime.startThread("ab", () -> crossing(a, b, bothHoldOne));
          runtime.startThread("ba", () -> crossing(b, a, bothHoldOne));
          return null;
        };
    Optional<Explorer.Failure> failure =
        Explorer.random().runs(1).blockingBudget(Duration.ofMinutes(5)).explore(cycle);
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .hasMessageContaining("blocked outside the schedule")
        .hasMessageContaining("a lock cycle the JVM detects")
        .hasMessageContaining("thread 1 (\"ab\") in a blocking section")
        .hasMessageContaining("thread 2 (\"ba\") in a blocking section");
  }

  @Test
  void anAbbaOnMonitorsIsReportedNotHung() throws Exception {
    Explorer.Scenario abba =
        runtime -> {
          Object a = new Object();
          Object b = new Object();
          runtime.startThread("ab", () -> monitors(runtime, a, b));
          runtime.startThread("ba", () -> monitors(runtime, b, a));
          return null;
        };
    Optional<Explorer.Failure> failure =
        Explorer.random().runs(200).blockingBudget(BUDGET).explore(abba);
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .hasMessageContaining("blocked outside the schedule")
        .hasMessageContaining("BLOCKED on java.lang.Object");
  }

  @Test
  void ioThatNeverCompletesEndsTheRunWithinTheBudget() throws Exception {
    Explorer.Scenario neverAnswered =
        runtime -> {
          Pipe pipe = Pipe.open();
          runtime.startThread(
              "reader",
              () -> {
                try {
                  Blocking.run(() -> pipe.source().read(ByteBuffer.allocate(1)));
                } catch (IOException e) {
                  throw new UncheckedIOException(e); // the interrupt of the abandoned run
                }
              });
          return null;
        };
    Optional<Explorer.Failure> failure =
        Explorer.random().runs(5).blockingBudget(BUDGET).explore(neverAnswered);
    assertThat(failure).isPresent();
    assertThat(failure.get().runsToFailure()).isEqualTo(1);
    assertThat(failure.get().failure())
        .hasMessageContaining("thread 1 (\"reader\")")
        .hasMessageContaining("blocked outside the schedule")
        .hasMessageContaining("in a blocking section")
        .hasMessageContaining("over the run's budget of 300 ms");
  }

  @Test
  void aPipeReadWhoseWriterIsAnotherThreadOfTheRuntimeEndsTheRun() throws Exception {
    Explorer.Scenario pipe =
        runtime -> {
          PipedInputStream in = new PipedInputStream();
          PipedOutputStream out = new PipedOutputStream(in);
          runtime.startThread("reader", () -> read(in)); // holds the GIL while it reads
          runtime.startThread("writer", () -> write(out));
          return null;
        };
    Optional<Explorer.Failure> failure =
        Explorer.random().runs(50).blockingBudget(BUDGET).explore(pipe);
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .hasMessageContaining("thread 1 (\"reader\") holding the GIL")
        .hasMessageContaining("blocked outside the schedule");
  }

  @Test
  void skippingBlockedRunsGoesOnWithCleanRuns() throws Exception {
    AtomicInteger started = new AtomicInteger();
    AtomicInteger ended = new AtomicInteger();
    Explorer.Scenario sometimes =
        runtime -> {
          int n = started.incrementAndGet();
          Object never = new Object();
          runtime.startThread(
              "t",
              () -> {
                if (n % 2 == 1) {
                  synchronized (never) {
                    try {
                      never.wait(); // outside the schedule, holding the GIL
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                }
                ended.incrementAndGet();
              });
          return () -> assertThat(runtime.isClosed()).isTrue();
        };
    Optional<Explorer.Failure> failure =
        Explorer.random().runs(4).blockingBudget(BUDGET).skipBlockedRuns().explore(sometimes);
    assertThat(failure).isEmpty();
    assertThat(started.get()).isEqualTo(4);
  }

  @Test
  void aScheduledRunsThreadsCannotKeepTheJvmAlive() {
    GilSchedule schedule = GilSchedule.random(1).blockingBudget(BUDGET);
    Thread[] thread = new Thread[1];
    try (GilRuntime runtime = GilRuntime.builder().schedule(schedule).build()) {
      thread[0] = runtime.startThread("t", () -> {});
    }
    assertThat(thread[0].isDaemon()).isTrue();
    assertThat(schedule.blocked()).isNull();
  }

  private static void both(
      GilRuntime runtime, ReentrantLock first, ReentrantLock second, boolean inBlockingSection) {
    first.lock();
    try {
      runtime.gil().checkpoint();
      if (inBlockingSection) {
        Blocking.run(second::lock);
      } else {
        second.lock();
      }
      second.unlock();
    } finally {
      first.unlock();
    }
  }

  /**
   * Takes {@code first}, then, in one blocking section, waits for the other thread and takes {@code
   * second}.
   */
  private static void crossing(ReentrantLock first, ReentrantLock second, CountDownLatch both) {
    first.lock();
    try {
      Blocking.run(
          () -> {
            both.countDown();
            both.await();
            second.lock();
          });
      second.unlock();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    } finally {
      first.unlock();
    }
  }

  private static void monitors(GilRuntime runtime, Object first, Object second) {
    synchronized (first) {
      runtime.gil().checkpoint();
      synchronized (second) {
        runtime.gil().checkpoint();
      }
    }
  }

  private static void read(PipedInputStream in) {
    try {
      in.read();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(PipedOutputStream out) {
    try {
      out.write(1);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
