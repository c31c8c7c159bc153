package dev.baton.bench;

import dev.baton.process.PoolTask;
import dev.baton.process.ProcessPool;
import java.time.Duration;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The round trip of one trivial task through a pool of one worker JVM: serialize, frame, pipe, run,
 * answer. Sample time, so JMH's p50 is the figure. The worker starts in the trial's set-up, outside
 * the measurement.
 */
@State(Scope.Benchmark)
public class ProcessPoolBench extends BenchShape.SampledMicros {
  private static final PoolTask<Integer> TRIVIAL = () -> 1;

  private static final Duration DEADLINE = Duration.ofSeconds(10);

  private ProcessPool pool;

  /**
   * Starts the worker.
   *
   * @throws InterruptedException if interrupted while it starts
   */
  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    pool = ProcessPool.builder().name("bench-round-trip").workers(1).noAotCache().build();
  }

  /** Stops it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  /**
   * @return the task's result
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  public int roundTrip() throws InterruptedException {
    return pool.apply(TRIVIAL);
  }

  /**
   * The same round trip with a per-call deadline, which arms and cancels a timer per call.
   *
   * @return the task's result
   * @throws InterruptedException if interrupted while waiting
   * @throws java.util.concurrent.TimeoutException if the deadline passed
   */
  @Benchmark
  public int roundTripWithDeadline()
      throws InterruptedException, java.util.concurrent.TimeoutException {
    return pool.apply(TRIVIAL, DEADLINE);
  }
}
