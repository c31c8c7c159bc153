package dev.baton.bench;

import dev.baton.bench.scenario.LoopAdapter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The event-loop workloads, written once so that Baton's loop ({@link EventLoopBench}) and Netty's
 * ({@link NettyLoopBench}) run the very same harness ({@link LoopDrivers}) in the same run. Scores
 * are items per second: chained callbacks, cross-thread submissions, timers.
 */
@State(Scope.Benchmark)
public abstract class LoopBench extends BenchShape.OpsPerSecond {
  static final int BATCH = 10_000;

  private LoopAdapter adapter;
  private LoopDrivers.Chain chain;
  private LoopDrivers.Flood flood;
  private LoopDrivers.Timers timers;

  /**
   * @return a started loop
   */
  abstract LoopAdapter newLoop();

  /** Starts the loop. */
  @Setup(Level.Trial)
  public void setUp() {
    adapter = newLoop();
    chain = new LoopDrivers.Chain(adapter);
    flood = new LoopDrivers.Flood(adapter);
    timers = new LoopDrivers.Timers(adapter);
  }

  /**
   * Stops it.
   *
   * @throws InterruptedException if interrupted while it stops
   */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    adapter.close();
  }

  /**
   * Scheduling from the loop thread ({@code callSoon}; Netty: {@code execute()}), each callback
   * scheduling the next.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void chained() {
    chain.run(BATCH);
  }

  /**
   * Submitting from the benchmark thread ({@code callSoonThreadSafe}; Netty: {@code execute()}),
   * the loop draining.
   */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void crossThread() {
    flood.run(BATCH);
  }

  /** Zero-delay timers scheduled from the loop thread, all fired. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void timers() {
    timers.run(BATCH);
  }
}
