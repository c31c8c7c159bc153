package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.core.Blocking;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * FAIR's promise for CPU-bound threads, in counts: tenures go round in arrival order, from the
 * first hand-off of a fresh JVM on.
 */
class GilFairnessTest extends GilTestBase {
  static final int THREADS = 4;
  static final int TENURES = 200;

  @Test
  void fourCheckpointingThreadsEachGetATenureInEveryFourHandOffs() throws Exception {
    GilRuntime runtime = runtime(GilPolicy.FAIR);
    List<String> tenures = tenureLog(runtime, TENURES);

    assertRoundRobin(tenures);
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void changingTheSwitchIntervalWhileThreadsRunChangesHowOftenTheySwitch(GilPolicy policy)
      throws Exception {
    GilRuntime runtime =
        runtime(GilRuntime.builder().policy(policy).switchInterval(Gil.MAX_SWITCH_INTERVAL));
    Gil gil = runtime.gil();
    AtomicLong steps = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      threads.add(
          runtime.startThread(
              "cpu-" + t,
              () -> {
                while (!stop.get()) {
                  steps.incrementAndGet();
                  gil.checkpoint();
                }
              }));
    }
    try {
      // 10 s intervals: one thread runs, the other waits, and no hand-off comes in 200 000 steps
      await().atMost(BOUND).until(() -> gil.waitingThreads() == 1);
      long from = steps.get();
      await().atMost(BOUND).until(() -> steps.get() > from + 200_000);
      assertThat(gil.stats().handOffs()).isZero();

      gil.setSwitchInterval(Duration.ofMillis(1));
      await().atMost(BOUND).until(() -> gil.stats().handOffs() >= 20);

      gil.setSwitchInterval(Gil.MAX_SWITCH_INTERVAL);
      long settled = gil.stats().handOffs();
      long again = steps.get();
      await().atMost(BOUND).until(() -> steps.get() > again + 200_000);
      // a wait measured against the short interval may still end in one more hand-off
      assertThat(gil.stats().handOffs()).isLessThanOrEqualTo(settled + 1);
    } finally {
      stop.set(true);
      for (Thread thread : threads) {
        join(thread);
      }
    }
  }

  /**
   * Beazley's convoy in counts. An I/O thread (a blocking section per operation) beside a CPU-bound
   * thread, with a 10 s switch interval so that a thread that waits for the interval visibly does
   * not run: under CPYTHON the I/O thread coming back from its first operation waits behind the CPU
   * thread, which meanwhile does a million steps; under FAIR it asks at once and gets the GIL at
   * the CPU thread's next checkpoint, operation after operation, while the CPU thread keeps going.
   */
  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void anIoThreadBesideACpuBoundOneConvoysUnderCpythonAndNotUnderFair(GilPolicy policy)
      throws Exception {
    GilRuntime runtime =
        runtime(GilRuntime.builder().policy(policy).switchInterval(Gil.MAX_SWITCH_INTERVAL));
    Gil gil = runtime.gil();
    AtomicLong cpuSteps = new AtomicLong();
    AtomicLong ioOps = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    Thread cpu =
        runtime.startThread(
            "cpu",
            () -> {
              while (!stop.get()) {
                cpuSteps.incrementAndGet();
                gil.checkpoint();
              }
            });
    await().atMost(BOUND).until(() -> cpuSteps.get() > 0);
    Thread io =
        runtime.startThread(
            "io",
            () -> {
              while (!stop.get()) {
                Blocking.run(Thread::yield); // gives the GIL up and comes back for it
                ioOps.incrementAndGet();
              }
            });
    try {
      if (policy == GilPolicy.FAIR) {
        await().atMost(BOUND).until(() -> ioOps.get() >= 200);
        long cpuAt = cpuSteps.get();
        await().atMost(BOUND).until(() -> cpuSteps.get() > cpuAt + 1_000);
        await().atMost(BOUND).until(() -> ioOps.get() >= 400);
      } else {
        await().atMost(BOUND).until(() -> gil.waitingThreads() == 1 && gil.holder() == cpu);
        long ioAt = ioOps.get();
        long cpuAt = cpuSteps.get();
        await().atMost(BOUND).until(() -> cpuSteps.get() > cpuAt + 1_000_000);
        assertThat(ioOps.get()).as("I/O operations behind the CPU thread").isEqualTo(ioAt);
      }
    } finally {
      stop.set(true);
      gil.setSwitchInterval(Duration.ofMillis(1)); // lets the last waiter in promptly
      join(cpu);
      join(io);
    }
  }

  /**
   * The first contended wait of a JVM used to create a JFR event under the GIL's mutex; with no
   * recorder that first use loads and instruments the event class for nothing, which took hundreds
   * of milliseconds, while the first waiter could neither queue nor ask for a drop and the holder
   * ran on alone. A fresh JVM (the cost is paid once per JVM) runs four checkpointing threads and
   * logs every class it loads: no JFR event class may be among them, and the tenures must still go
   * round.
   */
  @Test
  void theFirstWaitsOfAFreshJvmLoadNoJfrEventClassWhenNoRecordingCanRun() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child =
        new ProcessBuilder(
                java,
                "-Xlog:class+load=info",
                "-cp",
                System.getProperty("java.class.path"),
                FreshJvm.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = readAll(child.getInputStream());
    assertThat(child.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("child ended").isTrue();

    assertThat(child.exitValue()).as("child exit, output:%n%s", tail(output)).isZero();
    assertThat(output).contains("dev.baton.gil.Gil ").contains(FreshJvm.DONE);
    assertThat(output.lines().filter(l -> l.contains("dev.baton.gil.jfr.")).toList()).isEmpty();
  }

  /** Runs FAIR's four threads in a JVM of its own; exits non-zero if the rotation broke. */
  static final class FreshJvm {
    static final String DONE = "tenures went round";

    public static void main(String[] args) {
      try (GilRuntime runtime =
          GilRuntime.builder()
              .policy(GilPolicy.FAIR)
              .switchInterval(Duration.ofMillis(1))
              .build()) {
        assertRoundRobin(tenureLog(runtime, 40));
      }
      System.out.println(DONE);
    }
  }

  /**
   * Starts {@link #THREADS} runtime threads one after another; each loops on checkpoints and
   * appends its name when a tenure of its own begins, until {@code count} tenures are logged.
   */
  static List<String> tenureLog(GilRuntime runtime, int count) {
    Gil gil = runtime.gil();
    List<String> log = new ArrayList<>(); // touched only by the GIL's holder
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      String name = "cpu-" + t;
      threads.add(
          runtime.startThread(
              name,
              () -> {
                while (log.size() < count) {
                  if (log.isEmpty() || !log.getLast().equals(name)) {
                    log.add(name);
                  }
                  gil.checkpoint();
                }
              }));
    }
    for (Thread thread : threads) {
      try {
        thread.join(BOUND.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
      assertThat(thread.isAlive()).as("%s ended in time", thread.getName()).isFalse();
    }
    return List.copyOf(log);
  }

  /** Once every thread has had a tenure, every four consecutive tenures are four threads. */
  static void assertRoundRobin(List<String> tenures) {
    int allIn = -1;
    HashSet<String> seen = new HashSet<>();
    for (int i = 0; i < tenures.size() && allIn < 0; i++) {
      seen.add(tenures.get(i));
      if (seen.size() == THREADS) {
        allIn = i;
      }
    }
    assertThat(allIn).as("every thread had a tenure: %s", tenures).isNotNegative();
    for (int i = allIn; i + THREADS <= tenures.size(); i++) {
      assertThat(new HashSet<>(tenures.subList(i, i + THREADS)))
          .as("tenures %d..%d of %s", i, i + THREADS - 1, tenures)
          .hasSize(THREADS);
    }
  }

  private static String readAll(InputStream in) throws java.io.IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    in.transferTo(bytes);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static String tail(String output) {
    return output.length() <= 4000 ? output : output.substring(output.length() - 4000);
  }
}
