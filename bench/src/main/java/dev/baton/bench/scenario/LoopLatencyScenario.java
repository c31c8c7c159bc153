package dev.baton.bench.scenario;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Cross-thread latency: another thread stamps the time and submits one task to an idle loop; the
 * task records how long after the stamp it ran. One task in flight; a 20 µs pause before each
 * submission lets the loop go back to waiting, so each sample includes the loop's wake-up.
 *
 * <p>Keys, per loop ({@code baton}, {@code netty_default}, {@code netty_nio}): {@code _p50_us},
 * {@code _p99_us}, {@code _max_us}, {@code _per_s} (sequential submissions per second, pauses
 * included).
 */
final class LoopLatencyScenario implements Scenario {

  @Override
  public String name() {
    return "loop-latency";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    int count = smoke ? 300 : 20_000;
    for (Supplier<LoopAdapter> factory : LoopAdapter.all()) {
      LoopAdapter loop = factory.get();
      try (loop) {
        measure(loop, count / 10, new Samples(count)); // warm-up, discarded
        Samples samples = new Samples(count);
        long start = System.nanoTime();
        measure(loop, count, samples);
        double seconds = (System.nanoTime() - start) / 1e9;
        out.putLatency(loop.key(), samples, count / seconds);
      }
    }
  }

  static void measure(LoopAdapter loop, int count, Samples samples) {
    Probe probe = new Probe(Thread.currentThread(), samples);
    for (int i = 0; i < count; i++) {
      LockSupport.parkNanos(20_000);
      probe.done = false;
      probe.stamp = System.nanoTime();
      loop.execute(probe);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!probe.done) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(loop.key() + ": a submitted task did not run in 30 s");
        }
        LockSupport.parkNanos(50_000);
      }
    }
  }

  /** Records the latency of one submission on the loop thread. */
  private static final class Probe implements Runnable {
    private final Thread waiter;
    private final Samples samples;

    /** Written by the submitter before execute(); read on the loop thread. */
    volatile long stamp;

    /** Set by the loop thread after recording; the submitter's samples are then visible. */
    volatile boolean done;

    Probe(Thread waiter, Samples samples) {
      this.waiter = waiter;
      this.samples = samples;
    }

    @Override
    public void run() {
      samples.add(System.nanoTime() - stamp);
      done = true;
      LockSupport.unpark(waiter);
    }
  }
}
