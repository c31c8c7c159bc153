package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@SuppressWarnings("resource")
class TaskTest {

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void runReturnsMainsResultAndAwaitGivesOtherTasksResults(TaskMechanism m) {
    int result =
        EventLoop.run(
            "t",
            m,
            () -> {
              EventLoop loop = EventLoop.current();
              Task<Integer> a = loop.createTask("a", () -> 20);
              Task<Integer> b = loop.createTask("b", () -> 22);
              return await(a) + await(b);
            });
    assertThat(result).isEqualTo(42);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void onlyOneTaskRunsAtATimeAndSwitchesOnlyAtAwait(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          EventLoop loop = EventLoop.current();
          List<Task<Void>> tasks = new ArrayList<>();
          for (String name : List.of("x", "y")) {
            tasks.add(
                loop.createTask(
                    name,
                    () -> {
                      for (int i = 0; i < 3; i++) {
                        log.add(name + i + "-start");
                        // no await here: nothing else may run in between
                        log.add(name + i + "-end");
                        Tasks.sleep(Duration.ZERO);
                      }
                      return null;
                    }));
          }
          for (Task<Void> t : tasks) {
            await(t);
          }
          return null;
        });
    assertThat(log)
        .containsExactly(
            "x0-start",
            "x0-end",
            "y0-start",
            "y0-end",
            "x1-start",
            "x1-end",
            "y1-start",
            "y1-end",
            "x2-start",
            "x2-end",
            "y2-start",
            "y2-end");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void taskCodeMayCallLoopOnlyMethods(TaskMechanism m) {
    String ran =
        EventLoop.run(
            "t",
            m,
            () -> {
              EventLoop loop = EventLoop.current();
              Future<String> f = loop.createFuture();
              loop.callLater(Duration.ofMillis(5), () -> f.setResult("timer"));
              return await(f);
            });
    assertThat(ran).isEqualTo("timer");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void failuresPropagateThroughAwait(TaskMechanism m) {
    assertThatThrownBy(
            () ->
                EventLoop.run(
                    "t",
                    m,
                    () -> {
                      Task<Void> bad =
                          EventLoop.current()
                              .createTask(
                                  "bad",
                                  () -> {
                                    throw new IllegalArgumentException("bad input");
                                  });
                      return await(bad);
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("bad input");
    assertThatThrownBy(
            () ->
                EventLoop.run(
                    "t",
                    m,
                    () -> {
                      throw new IOException("checked");
                    }))
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void sleepZeroYieldsForExactlyOnePass(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          EventLoop loop = EventLoop.current();
          loop.callSoon(
              () -> {
                log.add("ready before the yield");
                loop.callSoon(() -> log.add("scheduled during the next pass"));
              });
          Tasks.sleep(Duration.ZERO);
          log.add("resumed");
          Tasks.sleep(Duration.ZERO);
          return null;
        });
    // asyncio's sleep(0): the task's next step is queued behind what was already ready, and ahead
    // of what those callbacks schedule
    assertThat(log)
        .containsExactly("ready before the yield", "resumed", "scheduled during the next pass");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void anAwaitResumesInThePassAfterItsFutureCompletes(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          EventLoop loop = EventLoop.current();
          Future<String> f = loop.createFuture();
          loop.callSoon(
              () -> {
                f.setResult("value");
                loop.callSoon(() -> log.add("scheduled after the result"));
              });
          log.add(await(f));
          Tasks.sleep(Duration.ZERO);
          return null;
        });
    // the future's done callback wakes the task directly, as asyncio's Task.__wakeup does
    assertThat(log).containsExactly("value", "scheduled after the result");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void cancelDuringSleepZeroIsDeliveredWhenTheTaskResumes(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          EventLoop loop = EventLoop.current();
          Task<String> t =
              cleaningUpOnCancel(
                  loop,
                  log,
                  () -> {
                    log.add("started");
                    Tasks.sleep(Duration.ZERO);
                  });
          while (log.isEmpty()) {
            Tasks.sleep(Duration.ZERO);
          }
          assertThat(t.cancel("stop")).isTrue(); // t is suspended in sleep(0), its step queued
          assertThatThrownBy(() -> await(t)).isInstanceOf(CancellationException.class);
          return null;
        });
    assertThat(log).containsExactly("started", "cleanup: stop");
  }

  /** A task that runs {@code waits} and logs "cleanup: message" when a cancellation ends it. */
  private static Task<String> cleaningUpOnCancel(EventLoop loop, List<String> log, Runnable waits) {
    return loop.createTask(
        "waiter",
        () -> {
          try {
            waits.run();
            return "not cancelled";
          } catch (CancellationException e) {
            log.add("cleanup: " + e.getMessage());
            throw e;
          }
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void cancelDeliversCancelledExceptionAtTheCurrentAwaitAndTheTaskMayCleanUp(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          EventLoop loop = EventLoop.current();
          Future<Void> never = loop.createFuture();
          Task<String> t = cleaningUpOnCancel(loop, log, () -> await(never));
          Tasks.sleep(Duration.ofMillis(1));
          assertThat(t.cancel("stop it")).isTrue();
          assertThatThrownBy(() -> await(t)).isInstanceOf(CancellationException.class);
          assertThat(t.isCancelled()).isTrue();
          assertThat(never.isCancelled()).isTrue();
          return null;
        });
    assertThat(log).containsExactly("cleanup: stop it");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void aTaskCancelledBeforeItStartsNeverRunsItsBody(TaskMechanism m) {
    boolean[] ran = {false};
    EventLoop.run(
        "t",
        m,
        () -> {
          Task<Void> t =
              EventLoop.current()
                  .createTask(
                      "early",
                      () -> {
                        ran[0] = true;
                        return null;
                      });
          t.cancel();
          assertThatThrownBy(() -> await(t)).isInstanceOf(CancellationException.class);
          return null;
        });
    assertThat(ran[0]).isFalse();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void aTaskThatSwallowsCancellationGoesOn(TaskMechanism m) {
    String r =
        EventLoop.run(
            "t",
            m,
            () -> {
              EventLoop loop = EventLoop.current();
              Task<String> t =
                  loop.createTask(
                      "stubborn",
                      () -> {
                        try {
                          Tasks.sleep(Duration.ofHours(1));
                        } catch (CancellationException e) {
                          // swallowed
                        }
                        Tasks.sleep(Duration.ofMillis(1));
                        return "survived";
                      });
              Tasks.sleep(Duration.ofMillis(1));
              t.cancel();
              return await(t);
            });
    assertThat(r).isEqualTo("survived");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void awaitOutsideATaskIsMisuse(TaskMechanism m) {
    assertThatThrownBy(() -> await(new CompletableFutureHolder().future()))
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("called Tasks.await outside a task")
        .hasMessageContaining("EventLoop.createTask");
    AtomicReference<Throwable> inCallback = new AtomicReference<>();
    try (EventLoop loop = EventLoop.builder().name("t").mechanism(m).build()) {
      Future<String> f = loop.createFuture();
      loop.callSoon(
          () -> {
            try {
              await(f);
            } catch (Throwable e) {
              inCallback.set(e);
            }
            loop.stop();
          });
      loop.runForever();
    }
    assertThat(inCallback.get())
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("in a plain callback of loop \"t\"")
        .hasMessageContaining("addDoneCallback");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void blockingGetOnTheLoopFailsFastAndWorksFromOtherThreads(TaskMechanism m) throws Exception {
    EventLoop loop = EventLoop.builder().name("t").mechanism(m).build();
    AtomicReference<Throwable> onLoop = new AtomicReference<>();
    AtomicReference<Throwable> inTask = new AtomicReference<>();
    Future<String> f = loop.createFuture();
    loop.callSoon(
        () -> {
          try {
            f.get();
          } catch (Throwable e) {
            onLoop.set(e);
          }
        });
    loop.createTask(
        "getter",
        () -> {
          try {
            f.get(1, TimeUnit.SECONDS);
          } catch (Throwable e) {
            inTask.set(e);
          }
          return null;
        });
    CompletableFuture<String> fromOutside = new CompletableFuture<>();
    Thread outsider =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    fromOutside.complete(f.get(30, TimeUnit.SECONDS));
                  } catch (Throwable e) {
                    fromOutside.completeExceptionally(e);
                  }
                });
    loop.callLater(Duration.ofMillis(20), () -> f.setResult("done"));
    // runForever, not runUntilComplete: the outsider's request may reach the loop after f is done
    Thread runner = Thread.ofPlatform().start(loop::runForever);
    assertThat(fromOutside.get(30, TimeUnit.SECONDS)).isEqualTo("done");
    loop.callSoonThreadSafe(loop::stop);
    runner.join(30_000);
    outsider.join(30_000);
    assertThat(onLoop.get())
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("called Future.get() on loop \"t\"'s own thread")
        .hasMessageContaining("Tasks.await");
    assertThat(inTask.get())
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("Future.get()");
    loop.close();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void bridgesToAndFromCompletableFuture(TaskMechanism m) throws Exception {
    EventLoop loop = EventLoop.builder().name("t").mechanism(m).build();
    Thread runner = Thread.ofPlatform().start(loop::runForever);
    CompletableFuture<String> viaTask =
        loop.createTaskThreadSafe(
            "bridge",
            () -> {
              CompletableFuture<String> outside =
                  CompletableFuture.supplyAsync(() -> "from a pool thread");
              String s = await(EventLoop.current().wrapFuture(outside));
              String t =
                  await(EventLoop.current().runInExecutor(() -> Thread.currentThread().getName()));
              return s + " / " + t;
            });
    assertThat(viaTask.get(30, TimeUnit.SECONDS)).startsWith("from a pool thread / t-executor-");
    CompletableFuture<String> failing =
        loop.createTaskThreadSafe(
            "failing",
            () -> {
              throw new IllegalStateException("nope");
            });
    assertThatThrownBy(() -> failing.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    loop.callSoonThreadSafe(loop::stop);
    runner.join(30_000);
    loop.close();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void runCancelsWhatIsLeftWhenMainEnds(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          EventLoop.current()
              .createTask(
                  "forever",
                  () -> {
                    try {
                      Tasks.sleep(Duration.ofHours(1));
                    } catch (CancellationException e) {
                      log.add("cancelled at exit");
                      throw e;
                    }
                    return null;
                  });
          Tasks.sleep(Duration.ofMillis(1));
          return null;
        });
    assertThat(log).containsExactly("cancelled at exit");
  }

  /** A future of no loop's task: awaiting it outside a task must fail before touching it. */
  private static final class CompletableFutureHolder {
    Future<String> future() {
      return null;
    }
  }
}
