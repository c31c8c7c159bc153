package dev.baton.bench.scenario;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Timer lateness: on the loop thread, a 1 ms timer is scheduled; when it fires it records how late
 * it is against its deadline and schedules the next one.
 *
 * <p>Keys, per loop: {@code _p50_ms}, {@code _p99_ms}, {@code _max_ms}.
 */
final class TimerLatenessScenario implements Scenario {
  private static final long DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  @Override
  public String name() {
    return "timer-lateness";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    int count = smoke ? 30 : 1_000;
    for (Supplier<LoopAdapter> factory : LoopAdapter.all()) {
      LoopAdapter loop = factory.get();
      try (loop) {
        Samples samples = measure(loop, count);
        out.put(loop.key() + "_p50_ms", samples.percentileNanos(50) / 1e6);
        out.put(loop.key() + "_p99_ms", samples.percentileNanos(99) / 1e6);
        out.put(loop.key() + "_max_ms", samples.maxNanos() / 1e6);
      }
    }
  }

  static Samples measure(LoopAdapter loop, int count) throws InterruptedException {
    Tick tick = new Tick(loop, count);
    loop.execute(tick);
    if (!tick.finished.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException(loop.key() + ": " + count + " timers did not fire in 60 s");
    }
    return tick.samples;
  }

  /** A timer that measures itself and re-arms; confined to the loop thread until finished. */
  private static final class Tick implements Runnable {
    private final LoopAdapter loop;
    private final Samples samples;
    private final CountDownLatch finished = new CountDownLatch(1);
    private int remaining;
    private long deadline;
    private boolean armed;

    Tick(LoopAdapter loop, int count) {
      this.loop = loop;
      this.remaining = count;
      this.samples = new Samples(count);
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      if (armed) {
        samples.add(now - deadline);
        remaining--;
      }
      if (remaining == 0) {
        finished.countDown();
        return;
      }
      armed = true;
      deadline = System.nanoTime() + DELAY_NANOS;
      loop.schedule(this, DELAY_NANOS);
    }
  }
}
