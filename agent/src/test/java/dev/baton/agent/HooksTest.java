package dev.baton.agent;

import static dev.baton.agent.AgentFixture.runBoth;
import static dev.baton.agent.AgentFixture.runTwice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.gil.Gil;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The agent's GIL semantics on instrumented samples: races, attach and detach, loops, monitors and
 * class initialisers.
 */
class HooksTest {
  private static final int TIMES = 10_000_000;

  @Test
  void plainIncrementFromTwoThreadsNeverLosesAnUpdate() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(1))) {
      Class<?> race = agent.sample("Race");
      Method plain = race.getMethod("plain", int.class);
      runTwice(() -> plain.invoke(null, TIMES));
      assertThat(counter(race)).isEqualTo(2 * TIMES);
      assertThat(agent.runtime.stats().forcedSwitches())
          .as("%s", agent.runtime.stats())
          .isPositive();
    }
  }

  @Test
  void aCallBetweenReadAndWriteLosesUpdates() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(1))) {
      Class<?> race = agent.sample("Race");
      Method withCall = race.getMethod("withCall", int.class);
      long lost = 0;
      for (int attempt = 0; attempt < 20 && lost == 0; attempt++) {
        race.getField("counter").setInt(null, 0);
        runTwice(() -> withCall.invoke(null, TIMES));
        lost = 2L * TIMES - counter(race);
      }
      assertThat(lost).as("updates lost in up to 20 runs").isPositive();
    }
  }

  @Test
  void aThreadHoldsTheGilOnlyWhileIncludedCodeIsOnItsStack() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(5))) {
      Class<?> race = agent.sample("Race");
      race.getMethod("plain", int.class).invoke(null, 10);
      // the outermost included frame returned: the test thread holds no GIL any more
      assertThat(agent.runtime.gil().holder()).isNull();
      assertThat(agent.gilAvailable()).isTrue();
    }
  }

  @Test
  void aThreadHoldingAMonitorKeepsTheGilSoTheOtherNeverBlocksOnItHoldingTheGil() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofNanos(50_000))) {
      Object monitors = agent.sample("Monitors").getConstructor().newInstance();
      Method spin = monitors.getClass().getMethod("spinHolding", int.class, int.class);
      runTwice(() -> spin.invoke(monitors, 200, 20_000));
      assertThat(monitors.getClass().getMethod("count").invoke(monitors)).isEqualTo(400);
    }
  }

  @Test
  void aThreadSleepingInAMonitorReleasesTheGilAndTheOtherWaitsForTheMonitorWithoutIt()
      throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(1))) {
      Object monitors = agent.sample("Monitors").getConstructor().newInstance();
      Method sleep = monitors.getClass().getMethod("sleepHolding", int.class, long.class);
      Method spin = monitors.getClass().getMethod("spinHolding", int.class, int.class);
      runBoth(() -> sleep.invoke(monitors, 30, 2L), () -> spin.invoke(monitors, 300, 1_000));
      assertThat(monitors.getClass().getMethod("count").invoke(monitors)).isEqualTo(330);
    }
  }

  @Test
  void aSynchronizedCounterStaysExactAndExceptionalExitsReleaseTheMonitor() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofNanos(50_000))) {
      Class<?> type = agent.sample("Monitors");
      Object monitors = type.getConstructor().newInstance();
      Method increment = type.getMethod("increment");
      Method maybeThrow = type.getMethod("incrementThenMaybeThrow", int.class);
      AgentFixture.Thrower body =
          () -> {
            for (int i = 0; i < 100_000; i++) {
              increment.invoke(monitors);
              try {
                maybeThrow.invoke(monitors, i);
              } catch (java.lang.reflect.InvocationTargetException e) {
                assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
              }
            }
          };
      runTwice(body);
      assertThat(type.getMethod("count").invoke(monitors)).isEqualTo(400_000);
      assertThat(type.getMethod("twice", int.class).invoke(null, 21)).isEqualTo(42);
      // every monitor was left: the GIL passes again at checkpoints
      Class<?> race = agent.sample("Race");
      Method plain = race.getMethod("plain", int.class);
      long before = agent.runtime.stats().forcedSwitches();
      runTwice(() -> plain.invoke(null, TIMES));
      assertThat(agent.runtime.stats().forcedSwitches()).isGreaterThan(before);
    }
  }

  @Test
  void aLoopWithoutCallsPassesTheGilWhileItRuns() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(1))) {
      Class<?> spinner = agent.sample("Spinner");
      spinner.getField("running").setBoolean(null, true);
      Method spin = spinner.getMethod("spin");
      CompletableFuture<Object> result = new CompletableFuture<>();
      Thread thread =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      result.complete(spin.invoke(null));
                    } catch (Throwable t) {
                      result.completeExceptionally(t);
                    }
                  });
      await()
          .atMost(AgentFixture.PATIENCE)
          .until(() -> spinner.getField("spinning").getBoolean(null));
      // another thread takes the GIL while the loop still runs: its back branch is a checkpoint
      assertThat(agent.gilAvailable()).isTrue();
      assertThat(result).isNotDone();
      spinner.getField("running").setBoolean(null, false);
      assertThat(result.get(AgentFixture.PATIENCE.toMillis(), TimeUnit.MILLISECONDS))
          .isInstanceOf(Long.class);
      thread.join(AgentFixture.PATIENCE.toMillis());
    }
  }

  @Test
  void nestedFramesKeepTheGilAndOnlyTheOutermostGivesItBack() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(5))) {
      Gil gil = agent.runtime.gil();
      // after a nested frame returned and another threw, the outermost frame still holds the GIL
      BooleanSupplier held = gil::isHeldByCurrentThread;
      assertThat(agent.call("Nesting", "outer", held)).isEqualTo(true);
      assertThat(gil.holder()).isNull();
      assertThat(agent.gilAvailable()).isTrue();
    }
  }

  @Test
  void aClassInitialiserKeepsTheGilSoAThreadWaitingForTheClassNeverHoldsIt() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofNanos(50_000))) {
      NotIncluded.initStarted = false;
      NotIncluded.releaseInit = false;
      Method touch = agent.sample("InitTrigger").getMethod("touch");
      // the second thread waits for the GIL and asks for it while the first runs the initialiser,
      // whose calls are checkpoints, which lasts until a drop request was made; had the first given
      // the GIL up there, the second would wait for the class's initialisation holding the GIL,
      // which the first needs to finish it
      runBoth(
          () -> touch.invoke(null),
          () -> {
            await()
                .pollInterval(Duration.ofMillis(1))
                .atMost(AgentFixture.PATIENCE)
                .until(() -> NotIncluded.initStarted);
            Thread.ofPlatform()
                .daemon()
                .start(
                    () -> {
                      await()
                          .pollInterval(Duration.ofMillis(1))
                          .atMost(AgentFixture.PATIENCE)
                          .until(() -> agent.runtime.stats().dropRequests() > 0);
                      NotIncluded.releaseInit = true;
                    });
            touch.invoke(null);
          });
      assertThat(agent.runtime.stats().dropRequests()).isPositive();
    }
  }

  private static int counter(Class<?> race) throws ReflectiveOperationException {
    Field field = race.getField("counter");
    return field.getInt(null);
  }
}
