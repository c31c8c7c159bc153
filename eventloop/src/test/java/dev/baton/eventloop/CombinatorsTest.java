package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CombinatorsTest {
  private static final Duration LONG = Duration.ofHours(1);

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  private static <T> T run(TaskMechanism m, TaskBody<T> main) {
    return EventLoop.run("t", m, main);
  }

  private static Task<String> after(int millis, String value) {
    return EventLoop.current()
        .createTask(
            value,
            () -> {
              Tasks.sleep(Duration.ofMillis(millis));
              return value;
            });
  }

  private static Task<String> failing(int millis, String message) {
    return EventLoop.current()
        .createTask(
            message,
            () -> {
              Tasks.sleep(Duration.ofMillis(millis));
              throw new IllegalStateException(message);
            });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void gatherKeepsInputOrderAndFailsWithTheFirstFailure(TaskMechanism m) {
    List<String> r =
        run(m, () -> await(Tasks.gather(List.of(after(20, "slow"), after(1, "fast")))));
    assertThat(r).containsExactly("slow", "fast");
    assertThatThrownBy(
            () -> run(m, () -> await(Tasks.gather(List.of(after(1, "ok"), failing(2, "broke"))))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("broke");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void gatherWithReturnExceptionsPutsFailuresInTheList(TaskMechanism m) {
    List<Object> r =
        run(
            m,
            () -> {
              Task<String> cancelled = after(1000, "never");
              cancelled.cancel();
              return await(
                  Tasks.gather(true, List.of(after(1, "ok"), failing(1, "broke"), cancelled)));
            });
    assertThat(r.get(0)).isEqualTo("ok");
    assertThat(r.get(1)).isInstanceOf(IllegalStateException.class);
    assertThat(r.get(2)).isInstanceOf(CancellationException.class);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void cancellingAGatherCancelsItsChildren(TaskMechanism m) {
    run(
        m,
        () -> {
          Task<String> a = after(100_000, "a");
          Task<String> b = after(100_000, "b");
          Future<List<String>> g = Tasks.gather(List.of(a, b));
          Tasks.sleep(Duration.ZERO);
          g.cancel();
          assertThatThrownBy(() -> await(a)).isInstanceOf(CancellationException.class);
          assertThatThrownBy(() -> await(b)).isInstanceOf(CancellationException.class);
          assertThat(g.isCancelled()).isTrue();
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void waitForTimesOutAndCancelsTheWork(TaskMechanism m) {
    run(
        m,
        () -> {
          Task<String> slow = after(100_000, "slow");
          assertThatThrownBy(() -> Tasks.waitFor(slow, Duration.ofMillis(5)))
              .isExactlyInstanceOf(TimeoutException.class)
              .hasMessageContaining("timeout of PT0.005S expired")
              .hasCauseInstanceOf(CancellationException.class);
          assertThat(slow.isCancelled()).isTrue();
          assertThat(Tasks.waitFor(after(1, "quick"), Duration.ofSeconds(30))).isEqualTo("quick");
          // the task itself is not left cancelled
          Tasks.sleep(Duration.ofMillis(1));
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void aTimeoutStaysCancelledSoSwallowingOneCancellationCannotHangIt(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    run(
        m,
        () -> {
          assertThatThrownBy(
                  () ->
                      Tasks.timeout(
                          Duration.ofMillis(5),
                          () -> {
                            try {
                              Tasks.sleep(LONG);
                            } catch (CancellationException swallowed) {
                              log.add("swallowed");
                            }
                            Tasks.sleep(LONG); // must fail at once: the scope stays cancelled
                            log.add("not reached");
                            return null;
                          }))
              .isExactlyInstanceOf(TimeoutException.class);
          // after the scope the task is usable again
          Tasks.sleep(Duration.ofMillis(1));
          log.add("after");
          return null;
        });
    assertThat(log).containsExactly("swallowed", "after");
  }

  /**
   * Inside an expired scope every await fails; a task that swallows those failures in a loop must
   * still let the loop run the others between two of them, whichever await it makes.
   */
  @ParameterizedTest
  @MethodSource("mechanisms")
  void aTaskSwallowingCancellationsInAnExpiredTimeoutLetsOtherTasksRun(TaskMechanism m) {
    int bound = 100_000;
    int[] ticks = {0};
    int swallowed =
        run(
            m,
            () -> {
              Future<String> done = new Future<>(EventLoop.current());
              done.setResult("done");
              AsyncLock lock = new AsyncLock();
              return Tasks.timeout(
                  Duration.ofMillis(1),
                  () -> {
                    try {
                      Tasks.sleep(LONG);
                    } catch (CancellationException expired) {
                      // the scope is expired from here on
                    }
                    EventLoop.current()
                        .createTask(
                            "ticker",
                            () -> {
                              for (int i = 0; i < 3; i++) {
                                ticks[0]++;
                                Tasks.sleep(Duration.ZERO);
                              }
                              return null;
                            });
                    int n = 0;
                    while (ticks[0] < 3 && n < bound) {
                      try {
                        switch (n % 4) {
                          case 0 -> Tasks.sleep(LONG);
                          case 1 -> await(done);
                          case 2 -> Tasks.sleep(Duration.ZERO);
                          default -> lock.lock();
                        }
                      } catch (CancellationException e) {
                        n++;
                      }
                    }
                    return n;
                  });
            });
    assertThat(ticks[0]).isEqualTo(3);
    assertThat(swallowed).isLessThan(bound);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void anOuterCancellationInsideATimeoutStaysACancellation(TaskMechanism m) {
    run(
        m,
        () -> {
          Task<Void> t =
              EventLoop.current()
                  .createTask(
                      "inner",
                      () ->
                          Tasks.timeout(
                              Duration.ofSeconds(30),
                              () -> {
                                Tasks.sleep(LONG);
                                return null;
                              }));
          Tasks.sleep(Duration.ofMillis(1));
          t.cancel();
          assertThatThrownBy(() -> await(t)).isInstanceOf(CancellationException.class);
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void shieldProtectsTheWorkFromTheWaitersCancellation(TaskMechanism m) {
    run(
        m,
        () -> {
          Task<String> work = after(10, "done");
          Task<String> waiter =
              EventLoop.current().createTask("waiter", () -> await(Tasks.shield(work)));
          Tasks.sleep(Duration.ofMillis(1));
          waiter.cancel();
          assertThatThrownBy(() -> await(waiter)).isInstanceOf(CancellationException.class);
          assertThat(await(work)).isEqualTo("done");
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void asCompletedYieldsInCompletionOrder(TaskMechanism m) {
    List<String> order =
        run(
            m,
            () -> {
              List<String> out = new ArrayList<>();
              for (Future<String> f :
                  Tasks.asCompleted(List.of(after(200, "c"), after(1, "a"), after(100, "b")))) {
                out.add(await(f));
              }
              return out;
            });
    assertThat(order).containsExactly("a", "b", "c");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void waitHonoursReturnWhen(TaskMechanism m) {
    run(
        m,
        () -> {
          Task<String> fast = after(1, "fast");
          Task<String> slow = after(100_000, "slow");
          var first = Tasks.wait(List.of(fast, slow), Tasks.ReturnWhen.FIRST_COMPLETED, null);
          assertThat(first.done()).containsExactly(fast);
          assertThat(first.pending()).containsExactly(slow);

          Task<String> bad = failing(1, "bad");
          var firstError = Tasks.wait(List.of(slow, bad), Tasks.ReturnWhen.FIRST_EXCEPTION, null);
          assertThat(firstError.done()).containsExactly(bad);
          assertThat(bad.exception()).isInstanceOf(IllegalStateException.class);

          var timedOut =
              Tasks.wait(List.of(slow), Tasks.ReturnWhen.ALL_COMPLETED, Duration.ofMillis(5));
          assertThat(timedOut.pending()).containsExactly(slow);
          assertThat(slow.isDone()).isFalse();
          slow.cancel();
          var all = Tasks.wait(List.of(fast, slow), Tasks.ReturnWhen.ALL_COMPLETED, null);
          assertThat(all.done()).containsExactly(fast, slow);
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void taskGroupWaitsForAllChildren(TaskMechanism m) {
    List<String> r =
        run(
            m,
            () -> {
              List<Task<String>> kids = new ArrayList<>();
              TaskGroup.run(
                  g -> {
                    kids.add(g.createTask("a", () -> "a"));
                    kids.add(
                        g.createTask(
                            "b",
                            () -> {
                              Tasks.sleep(Duration.ofMillis(10));
                              return "b";
                            }));
                    return null;
                  });
              List<String> out = new ArrayList<>();
              for (Task<String> k : kids) {
                assertThat(k.isDone()).isTrue();
                out.add(k.result());
              }
              return out;
            });
    assertThat(r).containsExactly("a", "b");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void taskGroupFirstFailureCancelsSiblingsAndBodyAndAggregates(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    run(
        m,
        () -> {
          Task<?>[] sibling = new Task<?>[1];
          assertThatThrownBy(
                  () ->
                      TaskGroup.run(
                          g -> {
                            sibling[0] =
                                g.createTask(
                                    "sibling",
                                    () -> {
                                      try {
                                        Tasks.sleep(LONG);
                                      } catch (CancellationException e) {
                                        log.add("sibling cancelled");
                                        throw e;
                                      }
                                      return null;
                                    });
                            g.createTask(
                                "bad1",
                                () -> {
                                  Tasks.sleep(Duration.ofMillis(2));
                                  throw new IllegalStateException("one");
                                });
                            try {
                              Tasks.sleep(LONG);
                            } catch (CancellationException e) {
                              log.add("body cancelled");
                              throw e;
                            }
                            return null;
                          }))
              .isInstanceOfSatisfying(
                  TaskGroupException.class,
                  e -> {
                    assertThat(e.exceptions()).hasSize(1);
                    assertThat(e.exceptions().get(0)).hasMessage("one");
                  });
          assertThat(sibling[0].isCancelled()).isTrue();
          // the group's cancellation of this task was withdrawn: it goes on normally
          Tasks.sleep(Duration.ofMillis(1));
          log.add("parent goes on");
          return null;
        });
    assertThat(log)
        .containsExactlyInAnyOrder("sibling cancelled", "body cancelled", "parent goes on");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void taskGroupAggregatesSeveralFailures(TaskMechanism m) {
    run(
        m,
        () -> {
          assertThatThrownBy(
                  () ->
                      TaskGroup.run(
                          g -> {
                            g.createTask(
                                "x",
                                () -> {
                                  throw new IllegalStateException("x");
                                });
                            g.createTask(
                                "y",
                                () -> {
                                  throw new IllegalArgumentException("y");
                                });
                            return null;
                          }))
              .isInstanceOfSatisfying(
                  TaskGroupException.class,
                  e ->
                      assertThat(e.exceptions())
                          .extracting(Throwable::getMessage)
                          .containsExactly("x", "y"));
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void cancellingTheParentCancelsTheGroupsChildren(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    run(
        m,
        () -> {
          Task<Void> parent =
              EventLoop.current()
                  .createTask(
                      "parent",
                      () ->
                          TaskGroup.run(
                              g -> {
                                g.createTask(
                                    "child",
                                    () -> {
                                      try {
                                        Tasks.sleep(LONG);
                                      } catch (CancellationException e) {
                                        log.add("child cancelled");
                                        throw e;
                                      }
                                      return null;
                                    });
                                return null; // the body ends; the group waits for the child
                              }));
          Tasks.sleep(Duration.ofMillis(2));
          parent.cancel();
          assertThatThrownBy(() -> await(parent)).isInstanceOf(CancellationException.class);
          return null;
        });
    assertThat(log).containsExactly("child cancelled");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void aFinishedTaskGroupRefusesNewChildren(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          TaskGroup[] escaped = new TaskGroup[1];
          TaskGroup.run(
              g -> {
                escaped[0] = g;
                return null;
              });
          assertThatThrownBy(() -> escaped[0].createTask("late", () -> null))
              .isExactlyInstanceOf(BatonMisuseException.class)
              .hasMessageContaining("started \"late\" in the task group of")
              .hasMessageContaining("which has finished");
          return null;
        });
  }
}
