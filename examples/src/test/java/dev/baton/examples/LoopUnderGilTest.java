package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.object.RcList;
import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.TaskMechanism;
import dev.baton.eventloop.Tasks;
import dev.baton.gil.Gil;
import dev.baton.gil.GilRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An event loop run by a GIL runtime's thread, on both task mechanisms: every task step holds the
 * GIL, the loop gives it up while it sleeps, and a CPU-bound task passes it on at its checkpoints.
 * The contract is core's {@code BlockingHandler} ("Taking turns"); eventloop and gil meet only
 * here.
 */
class LoopUnderGilTest {
  private static final Duration BOUND = Duration.ofSeconds(30);

  private final GilRuntime runtime =
      GilRuntime.builder().name("loop-gil").switchInterval(Duration.ofMillis(1)).build();
  private final Gil gil = runtime.gil();

  @AfterEach
  void close() {
    runtime.close();
  }

  @ParameterizedTest
  @EnumSource(TaskMechanism.class)
  void everyTaskStepHoldsTheGilAndMayTouchTheObjectSpace(TaskMechanism mechanism) throws Exception {
    List<Object> seen = new ArrayList<>(); // written by task steps under the GIL
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread loopThread =
        runtime.startThread(
            "loop",
            () -> {
              try {
                EventLoop.run(
                    "loop",
                    mechanism,
                    () -> {
                      seen.add(gil.isHeldByCurrentThread());
                      RcList list = runtime.objects().newList();
                      Tasks.sleep(Duration.ofMillis(1)); // the loop sleeps: the GIL is released
                      seen.add(gil.isHeldByCurrentThread());
                      RcList item = runtime.objects().newList();
                      list.append(item);
                      item.decref();
                      list.decref();
                      seen.add("touched");
                      return null;
                    });
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    join(loopThread);

    assertThat(failure.get()).isNull();
    assertThat(seen).containsExactly(true, true, "touched");
  }

  @ParameterizedTest
  @EnumSource(TaskMechanism.class)
  void anotherRuntimeThreadRunsWhileTheLoopSleeps(TaskMechanism mechanism) throws Exception {
    AtomicLong otherSteps = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread other =
        runtime.startThread(
            "other",
            () -> {
              while (!stop.get()) {
                otherSteps.incrementAndGet(); // only while holding the GIL
                gil.checkpoint();
              }
            });
    Thread loopThread =
        runtime.startThread(
            "loop",
            () -> {
              try {
                outcome.set(
                    EventLoop.run(
                        "loop",
                        mechanism,
                        () -> {
                          long before = otherSteps.get();
                          long deadline = System.nanoTime() + BOUND.toNanos();
                          while (otherSteps.get() == before && System.nanoTime() < deadline) {
                            Tasks.sleep(Duration.ofMillis(1));
                          }
                          return List.of(otherSteps.get() > before, gil.isHeldByCurrentThread());
                        }));
              } catch (Throwable t) {
                outcome.set(t);
              } finally {
                stop.set(true);
              }
            });
    join(loopThread);
    join(other);

    assertThat(outcome.get()).isEqualTo(List.of(true, true));
  }

  @ParameterizedTest
  @EnumSource(TaskMechanism.class)
  void aCpuBoundTaskSharesTheGilAtItsCheckpointsWithACpuBoundRuntimeThread(TaskMechanism mechanism)
      throws Exception {
    AtomicLong otherSteps = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread other =
        runtime.startThread(
            "other",
            () -> {
              while (!stop.get()) {
                otherSteps.incrementAndGet();
                gil.checkpoint();
              }
            });
    Thread loopThread =
        runtime.startThread(
            "loop",
            () -> {
              try {
                outcome.set(
                    EventLoop.run(
                        "loop",
                        mechanism,
                        () -> {
                          // one step, no await: the other thread can only run at checkpoints
                          long before = otherSteps.get();
                          long taskSteps = 0;
                          boolean heldThroughout = true;
                          long deadline = System.nanoTime() + BOUND.toNanos();
                          while (otherSteps.get() < before + 100 && System.nanoTime() < deadline) {
                            taskSteps++;
                            gil.checkpoint();
                            heldThroughout &= gil.isHeldByCurrentThread();
                          }
                          return List.of(otherSteps.get() >= before + 100, heldThroughout);
                        }));
              } catch (Throwable t) {
                outcome.set(t);
              } finally {
                stop.set(true);
              }
            });
    join(loopThread);
    join(other);

    assertThat(outcome.get()).isEqualTo(List.of(true, true));
    assertThat(gil.stats().forcedSwitches()).isPositive();
  }

  private static void join(Thread thread) throws InterruptedException {
    thread.join(BOUND.toMillis() * 2);
    assertThat(thread.isAlive()).as("%s ended in time", thread.getName()).isFalse();
  }
}
