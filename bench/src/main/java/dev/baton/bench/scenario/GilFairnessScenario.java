package dev.baton.bench.scenario;

import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Four CPU-bound runtime threads (dependent steps, a checkpoint each) for 2 s at a 5 ms switch
 * interval, once per policy. The CPU share of a thread is the work it got done; fairness is Jain's
 * index of the shares, (Σx)² / (n·Σx²), 1.0 when equal. The worst single wait is the GIL's own
 * exact maximum ({@link GilStats#waitMax()}).
 *
 * <p>Keys, per policy ({@code fair}, {@code cpython}): {@code _jain}, {@code _worst_wait_ms},
 * {@code _wait_p99_ms}, {@code _switches_per_s}.
 */
final class GilFairnessScenario implements Scenario {
  static final int THREADS = 4;

  @Override
  public String name() {
    return "gil-fairness";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    long millis = smoke ? 200 : 2_000;
    for (GilPolicy policy : List.of(GilPolicy.FAIR, GilPolicy.CPYTHON)) {
      measure(policy, millis, out, policy.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  static void measure(GilPolicy policy, long millis, Metrics out, String prefix)
      throws InterruptedException {
    AtomicLongArray progress = new AtomicLongArray(THREADS);
    GilStats stats;
    try (GilRuntime runtime =
        GilRuntime.builder()
            .name("fairness-" + prefix)
            .policy(policy)
            .switchInterval(Duration.ofMillis(5))
            .build()) {
      Gil gil = runtime.gil();
      Stop stop = new Stop();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int index = t;
        threads.add(
            runtime.startThread(
                "cpu-" + t,
                () -> {
                  long x = index + 1L; // xorshift never leaves zero
                  long done = 0;
                  while (!stop.requested) {
                    for (int i = 0; i < 1_000; i++) {
                      x = Work.step(x);
                      gil.checkpoint();
                    }
                    done += 1_000;
                  }
                  progress.set(index, done + (x & 1));
                }));
      }
      Thread.sleep(millis);
      stop.requested = true;
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(30));
        if (thread.isAlive()) {
          throw new IllegalStateException(thread.getName() + " did not stop in 30 s");
        }
      }
      stats = runtime.stats();
    }
    double sum = 0;
    double squares = 0;
    for (int t = 0; t < THREADS; t++) {
      double x = progress.get(t);
      sum += x;
      squares += x * x;
    }
    out.put(prefix + "_jain", sum * sum / (THREADS * squares));
    out.put(prefix + "_worst_wait_ms", stats.waitMax().toNanos() / 1e6);
    out.put(prefix + "_wait_p99_ms", stats.waitP99().toNanos() / 1e6);
    out.put(prefix + "_switches_per_s", stats.handOffs() / (millis / 1e3));
  }

  /** Set by the main thread when time is up; read by every worker. */
  static final class Stop {
    volatile boolean requested;
  }
}
