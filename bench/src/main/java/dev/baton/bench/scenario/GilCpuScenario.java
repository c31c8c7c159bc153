package dev.baton.bench.scenario;

import dev.baton.bench.report.Results;
import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * The countdown experiment: the same CPU-bound work (dependent steps with a checkpoint each) done
 * by one runtime thread, then split between two runtime threads under the GIL (FAIR, 5 ms
 * interval). Wall time from start until every thread has ended; median of 3 rounds, interleaved,
 * after a warm-up round.
 *
 * <p>Keys: {@code one_thread_s}, {@code two_threads_s}, {@code ratio}.
 */
final class GilCpuScenario implements Scenario {

  @Override
  public String name() {
    return "gil-cpu";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    long steps = smoke ? 5_000_000L : 300_000_000L;
    int rounds = smoke ? 1 : 3;
    double[] one = new double[rounds];
    double[] two = new double[rounds];
    seconds(2, steps / 4); // warm-up: compile the loop before anything is timed
    for (int r = 0; r < rounds; r++) {
      one[r] = seconds(1, steps);
      two[r] = seconds(2, steps);
    }
    double oneMedian = Results.median(one);
    double twoMedian = Results.median(two);
    out.put("one_thread_s", oneMedian);
    out.put("two_threads_s", twoMedian);
    out.put("ratio", twoMedian / oneMedian);
  }

  /** Runs {@code totalSteps} split evenly over {@code threads} runtime threads. */
  static double seconds(int threads, long totalSteps) throws InterruptedException {
    try (GilRuntime runtime = GilRuntime.builder().name("cpu").policy(GilPolicy.FAIR).build()) {
      Gil gil = runtime.gil();
      long[] sinks = new long[threads];
      List<Thread> started = new ArrayList<>();
      long start = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        int index = t;
        started.add(
            runtime.startThread(
                "cpu-" + t, () -> sinks[index] = spin(gil, totalSteps / threads, index)));
      }
      for (Thread thread : started) {
        thread.join();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (sinks[0] == 0) {
        throw new IllegalStateException("the work was not done");
      }
      return seconds;
    }
  }

  static long spin(Gil gil, long steps, long seed) {
    long x = seed + 1;
    for (long i = 0; i < steps; i++) {
      x = Work.step(x);
      gil.checkpoint();
    }
    return x | 1;
  }
}
