package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What the GIL and runtime tests share: runtimes and helper threads that are cleaned up after each
 * test, and bounded joins.
 */
abstract class GilTestBase {
  static final Duration BOUND = Duration.ofSeconds(30);

  private final List<GilRuntime> runtimes = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  /** A runtime with a 1 ms switch interval, closed after the test. */
  GilRuntime runtime(GilPolicy policy) {
    return runtime(GilRuntime.builder().policy(policy).switchInterval(Duration.ofMillis(1)));
  }

  /** A runtime closed after the test. */
  GilRuntime runtime(GilRuntime.Builder builder) {
    GilRuntime runtime = builder.build();
    runtimes.add(runtime);
    return runtime;
  }

  /** A started daemon thread outside any runtime, which must have ended after the test. */
  Thread thread(String name, Runnable body) {
    Thread t = Thread.ofPlatform().name(name).daemon(true).start(body);
    threads.add(t);
    return t;
  }

  /** A started thread that takes {@code gil} raw, runs {@code whileHeld}, and gives it back. */
  Thread holding(String name, Gil gil, Runnable whileHeld) {
    return thread(
        name,
        () -> {
          gil.acquire();
          try {
            whileHeld.run();
          } finally {
            gil.release();
          }
        });
  }

  @AfterEach
  void closeRuntimesAndJoinThreads() throws InterruptedException {
    for (Thread t : threads) {
      join(t);
    }
    for (GilRuntime runtime : runtimes) {
      runtime.close();
    }
  }

  static void join(Thread t) throws InterruptedException {
    t.join(BOUND.toMillis());
    assertThat(t.isAlive()).as("thread %s ended in time", t.getName()).isFalse();
  }
}
