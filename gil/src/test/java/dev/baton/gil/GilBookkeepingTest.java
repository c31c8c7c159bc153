package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The watchdog's report, as the README promises it: the holder's name and its stack. */
class GilBookkeepingTest extends GilTestBase {

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void theWatchdogsLogNamesTheHolderAndShowsWhereItIsStuck(GilPolicy policy) throws Exception {
    Gil gil =
        runtime(
                GilRuntime.builder()
                    .name("watched")
                    .policy(policy)
                    .switchInterval(Duration.ofMillis(1))
                    .watchdogThreshold(Duration.ofMillis(5)))
            .gil();
    CountDownLatch warned = new CountDownLatch(1);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    // slf4j-simple, the tests' binding, writes to whatever System.err is at the time
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Thread stuck = holding("stuck-holder", gil, () -> stallWithoutCheckpoint(warned));
      await().atMost(BOUND).until(() -> gil.waitingThreads() == 0 && gil.holder() == stuck);
      Thread waiter = holding("waiter", gil, () -> {});
      await().atMost(BOUND).until(() -> gil.stats().watchdogWarnings() >= 1);
      warned.countDown();
      join(stuck);
      join(waiter);
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8);
    assertThat(log)
        .contains("thread \"stuck-holder\" holds the GIL of runtime \"watched\"")
        .contains("stack of \"stuck-holder\"")
        .contains("stallWithoutCheckpoint");
  }

  /** Holds the GIL without passing a checkpoint until told to stop. */
  private static void stallWithoutCheckpoint(CountDownLatch warned) {
    try {
      assertThat(warned.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
