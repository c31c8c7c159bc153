package dev.baton.gil.sched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.gil.GilLock;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilSchedule;
import dev.baton.gil.GilThreads;
import dev.baton.gil.ScheduleDivergedException;
import dev.baton.gil.ScheduleLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Seeded schedules, replay, divergence, shrinking and the guarded counter. */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ExplorerTest {

  /** Where each thread of the counter may lose the GIL. */
  enum Body {
    /** {@code v = x; checkpoint(); x = v + 1}: the talk's race. */
    CHECKPOINT_INSIDE,
    /** {@code v = x; x = v + 1; checkpoint()}: the same counter with the checkpoint moved. */
    CHECKPOINT_AFTER,
    /** The race's body inside a GilLock. */
    LOCKED
  }

  /** Two threads adding 1 to a traced cell {@code n} times each; the last run's cell is kept. */
  static final class Counter implements Explorer.Scenario {
    final Body body;
    final int n;
    TracedCell cell;

    Counter(Body body, int n) {
      this.body = body;
      this.n = n;
    }

    @Override
    public Explorer.Check start(GilRuntime runtime) {
      TracedCell x = new TracedCell("Integer value", 0);
      GilLock lock = new GilLock();
      cell = x;
      for (int t = 1; t <= 2; t++) {
        runtime.startThread("thread-" + t, () -> increments(runtime, x, lock));
      }
      return () -> assertThat(x.value()).as("final value").isEqualTo(2L * n);
    }

    private void increments(GilRuntime runtime, TracedCell x, GilLock lock) {
      for (int i = 0; i < n; i++) {
        switch (body) {
          case CHECKPOINT_INSIDE -> {
            long v = x.read();
            runtime.gil().checkpoint();
            x.write(x.increase(v));
          }
          case CHECKPOINT_AFTER -> {
            long v = x.read();
            x.write(x.increase(v));
            runtime.gil().checkpoint();
          }
          case LOCKED -> {
            try (var held = lock.hold()) {
              long v = x.read();
              runtime.gil().checkpoint();
              x.write(x.increase(v));
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
        }
      }
    }

    long lost() {
      return 2L * n - cell.value();
    }
  }

  @Test
  void theSameSeedGivesTheSameLostCountHundredTimesOutOfHundred() throws Exception {
    Counter counter = new Counter(Body.CHECKPOINT_INSIDE, 20);
    Set<Long> lost = new HashSet<>();
    Set<ScheduleLog> logs = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      Explorer.Run run = Explorer.run(counter, GilSchedule.random(42));
      lost.add(counter.lost());
      logs.add(run.log());
    }
    assertThat(lost).hasSize(1);
    assertThat(lost.iterator().next()).isPositive();
    assertThat(logs).hasSize(1);
    assertThat(logs.iterator().next().handOffs()).isNotEmpty();
  }

  @Test
  void differentSeedsGiveDifferentSchedules() throws Exception {
    Counter counter = new Counter(Body.CHECKPOINT_INSIDE, 20);
    Set<List<ScheduleLog.HandOff>> schedules = new HashSet<>();
    for (long seed = 1; seed <= 10; seed++) {
      schedules.add(Explorer.run(counter, GilSchedule.random(seed)).log().handOffs());
    }
    assertThat(schedules).hasSizeGreaterThan(5);
  }

  @Test
  void aReplayedLogGivesAnIdenticalTrace() throws Exception {
    Counter counter = new Counter(Body.CHECKPOINT_INSIDE, 10);
    Explorer.Run original = Explorer.run(counter, GilSchedule.pct(7, 3, 40));
    List<TracedCell.Row> rows = counter.cell.rows();
    ScheduleLog log = ScheduleLog.fromJson(original.log().toJson());

    Explorer.Run replayed = Explorer.replay(counter, log);

    assertThat(log).isEqualTo(original.log());
    assertThat(replayed.log().sameSchedule(original.log())).isTrue();
    assertThat(counter.cell.rows()).isEqualTo(rows);
  }

  @Test
  void anEditedBodyMakesTheReplayFailWithTheDivergence() throws Exception {
    Explorer.Run original =
        Explorer.run(new Counter(Body.CHECKPOINT_INSIDE, 3), GilSchedule.random(3));
    assertThat(original.log().handOffs()).isNotEmpty();
    ScheduleLog.HandOff first = original.log().handOffs().get(0);

    assertThatThrownBy(() -> Explorer.replay(new Counter(Body.CHECKPOINT_AFTER, 3), original.log()))
        .isInstanceOf(ScheduleDivergedException.class)
        .hasMessageContaining("replay diverged")
        .hasMessageContaining("thread " + first.from())
        .hasMessageContaining(first.site());
  }

  @Test
  void theTwoThreadCounterRaceShrinksToTheTwoHandOffsOfTheTalksTable() throws Exception {
    Counter counter = new Counter(Body.CHECKPOINT_INSIDE, 1);
    Optional<Explorer.Failure> failure = Explorer.random().runs(200).explore(counter);

    assertThat(failure).isPresent();
    ScheduleLog minimal = failure.get().minimal();
    assertThat(minimal.handOffs()).hasSize(2);
    ScheduleLog.HandOff away = minimal.handOffs().get(0);
    ScheduleLog.HandOff back = minimal.handOffs().get(1);
    assertThat(away.reason()).isEqualTo(ScheduleLog.Reason.DROP_REQUEST);
    assertThat(away.from()).isEqualTo(minimal.first());
    assertThat(back.reason()).isEqualTo(ScheduleLog.Reason.THREAD_END);
    assertThat(back.to()).isEqualTo(minimal.first());

    Explorer.replay(counter, minimal);
    String a = minimal.threadName(away.from());
    String b = minimal.threadName(away.to());
    assertThat(counter.cell.rows())
        .containsExactly(
            new TracedCell.Row(a, "read value", 0),
            new TracedCell.Row(b, "read value", 0),
            new TracedCell.Row(b, "increase value", 0),
            new TracedCell.Row(b, "write back", 1),
            new TracedCell.Row(a, "increase value", 1),
            new TracedCell.Row(a, "write back", 1));
    assertThat(counter.cell.table(minimal.threads()))
        .contains("Thread 1")
        .contains("Thread 2")
        .contains("read value")
        .contains("write back");
    assertThat(failure.get().render()).contains("2 hand-offs").contains("drop request");
  }

  @Test
  void theReadmeSampleFindsTheRaceAndReplaysIt(@TempDir Path dir) throws Exception {
    // README begin
    Explorer.Scenario race =
        runtime -> {
          TracedCell x = new TracedCell("Integer value", 0);
          for (int t = 1; t <= 2; t++) {
            runtime.startThread(
                "thread-" + t,
                () -> {
                  long v = x.read();
                  runtime.gil().checkpoint(); // the GIL may change hands here
                  x.write(x.increase(v));
                });
          }
          return () -> assertEquals(2, x.value());
        };
    Optional<Explorer.Failure> failure = Explorer.random().runs(1000).explore(race);
    System.out.println(failure.get().render()); // seed, runs, the minimal hand-offs
    failure.get().minimal().write(dir.resolve("race-schedule.json"));
    Explorer.Run again = Explorer.replay(race, ScheduleLog.read(dir.resolve("race-schedule.json")));
    // README end

    assertThat(again.failed()).isTrue();
    assertThat(again.log().sameSchedule(failure.get().minimal())).isTrue();
  }

  @Test
  void pctFindsTheRaceToo() throws Exception {
    Optional<Explorer.Failure> failure =
        Explorer.pct(2, 6).runs(200).explore(new Counter(Body.CHECKPOINT_INSIDE, 1));
    assertThat(failure).isPresent();
    assertThat(failure.get().minimal().handOffs()).hasSize(2);
  }

  @Test
  void exploringTheGuardedCountersFindsNothingWithinTheBudget() throws Exception {
    Explorer explorer = Explorer.random().runs(300);
    assertThat(explorer.explore(new Counter(Body.LOCKED, 3))).isEmpty();
    assertThat(explorer.explore(new Counter(Body.CHECKPOINT_AFTER, 3))).isEmpty();
    explorer.assertNoFailure(new Counter(Body.LOCKED, 2));
  }

  @Test
  void assertNoFailureShowsTheMinimalSchedule() {
    assertThatThrownBy(
            () ->
                Explorer.random().runs(100).assertNoFailure(new Counter(Body.CHECKPOINT_INSIDE, 1)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("minimal schedule, 2 hand-offs")
        .hasMessageContaining("thread end");
  }

  @Test
  void sleepsRunOnTheVirtualClock() throws Exception {
    List<String> woke = Collections.synchronizedList(new ArrayList<>());
    GilSchedule schedule = GilSchedule.random(5);
    Explorer.Run run =
        Explorer.run(
            runtime -> {
              runtime.startThread("hour", () -> sleep(Duration.ofHours(1), "hour", woke));
              runtime.startThread("second", () -> sleep(Duration.ofSeconds(1), "second", woke));
              return null;
            },
            schedule);
    assertThat(run.failed()).isFalse();
    assertThat(woke).containsExactly("second", "hour");
    assertThat(schedule.clockNanos()).isEqualTo(Duration.ofHours(1).toNanos());
  }

  @Test
  void aLockTimeoutRunsOnTheVirtualClock() throws Exception {
    List<String> events = Collections.synchronizedList(new ArrayList<>());
    for (long seed = 1; seed <= 10; seed++) {
      events.clear();
      GilSchedule schedule = GilSchedule.random(seed);
      GilLock lock = new GilLock();
      Explorer.Run run =
          Explorer.run(
              runtime -> {
                runtime.startThread(
                    "holder",
                    () -> {
                      try (var held = lock.hold()) {
                        events.add("locked");
                        GilThreads.sleep(Duration.ofSeconds(10));
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                    });
                runtime.startThread(
                    "impatient",
                    () -> {
                      while (!lock.isLocked()) {
                        runtime.gil().checkpoint();
                      }
                      try {
                        events.add(lock.tryLock(Duration.ofSeconds(1)) ? "got it" : "timed out");
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                    });
                return null;
              },
              schedule);
      assertThat(run.failed()).isFalse();
      assertThat(events).containsExactly("locked", "timed out");
      assertThat(schedule.clockNanos()).isEqualTo(Duration.ofSeconds(10).toNanos());
    }
  }

  @Test
  void aJoinWaitsForTheScheduledThread() throws Exception {
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    for (long seed = 1; seed <= 20; seed++) {
      order.clear();
      Explorer.Run run =
          Explorer.run(
              runtime -> {
                runtime.startThread(
                    "parent",
                    () -> {
                      Thread child =
                          runtime.startThread(
                              "child",
                              () -> {
                                runtime.gil().checkpoint();
                                order.add("child");
                              });
                      try {
                        GilThreads.join(child);
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      order.add("parent");
                    });
                return null;
              },
              GilSchedule.random(seed));
      assertThat(run.failed()).isFalse();
      assertThat(order).containsExactly("child", "parent");
      assertThat(run.log().threads()).containsExactly("parent", "child");
    }
  }

  @Test
  void aLockOrderDeadlockIsReportedNotHung() throws Exception {
    Explorer.Scenario opposite =
        runtime -> {
          GilLock a = new GilLock();
          GilLock b = new GilLock();
          runtime.startThread("ab", () -> both(runtime, a, b));
          runtime.startThread("ba", () -> both(runtime, b, a));
          return null;
        };
    Optional<Explorer.Failure> failure = Explorer.random().runs(200).explore(opposite);
    assertThat(failure).isPresent();
    assertThat(failure.get().failure())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("deadlock")
        .hasMessageContaining("GilLock");
  }

  @Test
  void aLogSurvivesJson() {
    ScheduleLog log =
        new ScheduleLog(
            "random seed=1",
            2,
            List.of("thread-1", "thread \"2\""),
            List.of(
                new ScheduleLog.HandOff(1, 2, 1, 3, "A.java:10", ScheduleLog.Reason.DROP_REQUEST),
                new ScheduleLog.HandOff(2, 1, 2, 4, "(runtime)", ScheduleLog.Reason.THREAD_END)));
    assertThat(ScheduleLog.fromJson(log.toJson())).isEqualTo(log);
    assertThatThrownBy(() -> ScheduleLog.fromJson("{\"first\": 1}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads");
  }

  @Test
  void aScheduleDrivesOneRuntime() {
    GilSchedule schedule = GilSchedule.random(1);
    try (GilRuntime runtime = GilRuntime.builder().schedule(schedule).build()) {
      assertThat(runtime.gil().holder()).isNotNull();
    }
    assertThatThrownBy(() -> GilRuntime.builder().schedule(schedule).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already drives a runtime");
  }

  private static void sleep(Duration duration, String name, List<String> woke) {
    try {
      GilThreads.sleep(duration);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    woke.add(name);
  }

  private static void both(GilRuntime runtime, GilLock first, GilLock second) {
    try (var one = first.hold()) {
      runtime.gil().checkpoint();
      try (var two = second.hold()) {
        runtime.gil().checkpoint();
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
