package dev.baton.bench.scenario;

import dev.baton.bench.report.Results;
import dev.baton.process.PoolFunction;
import dev.baton.process.ProcessPool;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU-bound work over the process pool: the same tasks (dependent steps, no shared state) mapped
 * with chunk size 1 over a pool of one worker and a pool of two, started beforehand and warmed up.
 * Median of 3 interleaved rounds.
 *
 * <p>Keys: {@code one_worker_s}, {@code two_workers_s}, {@code speedup} (one / two).
 */
final class PoolCpuScenario implements Scenario {
  private static final PoolFunction<Long, Long> SPIN =
      steps -> {
        long x = steps;
        for (long i = 0; i < steps; i++) {
          x = Work.step(x);
        }
        return x;
      };

  @Override
  public String name() {
    return "pool-cpu";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    int tasks = smoke ? 4 : 8;
    long steps = smoke ? 2_000_000L : 50_000_000L;
    int rounds = smoke ? 1 : 3;
    List<Long> work = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      work.add(steps);
    }
    List<Long> warmup = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      warmup.add(steps / 4);
    }
    double[] one = new double[rounds];
    double[] two = new double[rounds];
    try (ProcessPool single = ProcessPool.builder().name("cpu-1").workers(1).noAotCache().build();
        ProcessPool pair = ProcessPool.builder().name("cpu-2").workers(2).noAotCache().build()) {
      single.map(SPIN, warmup, 1);
      pair.map(SPIN, warmup, 1);
      for (int r = 0; r < rounds; r++) {
        one[r] = seconds(single, work);
        two[r] = seconds(pair, work);
      }
    }
    double oneMedian = Results.median(one);
    double twoMedian = Results.median(two);
    out.put("one_worker_s", oneMedian);
    out.put("two_workers_s", twoMedian);
    out.put("speedup", oneMedian / twoMedian);
  }

  private static double seconds(ProcessPool pool, List<Long> work) throws InterruptedException {
    long start = System.nanoTime();
    List<Long> results = pool.map(SPIN, work, 1);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (results.size() != work.size()) {
      throw new IllegalStateException("expected " + work.size() + " results, got " + results);
    }
    return seconds;
  }
}
