package dev.baton.bench.scenario;

import dev.baton.bench.report.Results;
import dev.baton.process.PoolTask;
import dev.baton.process.ProcessPool;
import dev.baton.process.SharedMemory;
import java.nio.DoubleBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * CPU-bound work over a 100 MiB array of doubles in 2 workers, each taking one half: with the array
 * in a {@link SharedMemory} block the tasks read in place, and with each half sent inside its task
 * (serialized, piped, deserialized), which is what the block saves. The parent fills the array
 * once, untimed; the same pool runs both, alternating, after a warm-up of each.
 *
 * <p>Keys (medians): {@code shared_ms}, {@code copied_ms}, {@code copy_cost_ms} (the difference),
 * {@code copied_over_shared}, and {@code local_ms}, the same work on one thread of the parent.
 */
final class PoolSharedMemoryScenario implements Scenario {

  @Override
  public String name() {
    return "pool-shared-memory";
  }

  /** A few dependent floating-point operations per element, so the work is not only memory. */
  static double work(DoubleBuffer xs, int from, int to) {
    double acc = 0;
    for (int i = from; i < to; i++) {
      double x = xs.get(i);
      acc += ((x * 1.000001 + 0.5) * x - 0.25) / (1.0 + x * x);
    }
    return acc;
  }

  static double work(double[] xs) {
    return work(DoubleBuffer.wrap(xs), 0, xs.length);
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    long bytes = smoke ? 8L << 20 : 100L << 20;
    int rounds = smoke ? 1 : 5;
    int n = (int) (bytes / Double.BYTES);
    int half = n / 2;
    double[] shared = new double[rounds];
    double[] copied = new double[rounds];
    double[] local = new double[rounds];
    try (SharedMemory block = SharedMemory.create(bytes);
        ProcessPool pool =
            ProcessPool.builder().name("shm-bench").workers(2).noAotCache().build()) {
      DoubleBuffer xs = block.doubles();
      for (int i = 0; i < n; i++) {
        xs.put(i, (i % 1000) / 1000.0);
      }
      double[] first = new double[half];
      double[] second = new double[n - half];
      xs.get(0, first);
      xs.get(half, second);
      double expected = sharedRound(pool, block, n); // warm-up of each, and the check
      check(expected, copiedRound(pool, first, second));
      for (int r = 0; r < rounds; r++) {
        long t0 = System.nanoTime();
        check(expected, sharedRound(pool, block, n));
        long t1 = System.nanoTime();
        check(expected, copiedRound(pool, first, second));
        long t2 = System.nanoTime();
        check(expected, work(xs, 0, half) + work(xs, half, n));
        long t3 = System.nanoTime();
        shared[r] = (t1 - t0) / 1e6;
        copied[r] = (t2 - t1) / 1e6;
        local[r] = (t3 - t2) / 1e6;
      }
    }
    double s = Results.median(shared);
    double c = Results.median(copied);
    out.put("shared_ms", s);
    out.put("copied_ms", c);
    out.put("copy_cost_ms", c - s);
    out.put("copied_over_shared", c / s);
    out.put("local_ms", Results.median(local));
  }

  private static void check(double expected, double actual) {
    if (Math.abs(expected - actual) > 1e-6 * Math.abs(expected)) {
      throw new IllegalStateException("the halves summed to " + actual + ", not " + expected);
    }
  }

  private static double sharedRound(ProcessPool pool, SharedMemory block, int n) throws Exception {
    int half = n / 2;
    PoolTask<Double> a = () -> work(block.doubles(), 0, half);
    PoolTask<Double> b = () -> work(block.doubles(), half, n);
    return both(pool, a, b);
  }

  private static double copiedRound(ProcessPool pool, double[] first, double[] second)
      throws Exception {
    PoolTask<Double> a = () -> work(first);
    PoolTask<Double> b = () -> work(second);
    return both(pool, a, b);
  }

  private static double both(ProcessPool pool, PoolTask<Double> a, PoolTask<Double> b)
      throws Exception {
    CompletableFuture<Double> fa = pool.submit(a);
    CompletableFuture<Double> fb = pool.submit(b);
    return fa.get() + fb.get();
  }
}
