package dev.baton.bench;

import dev.baton.process.PoolFunction;
import dev.baton.process.ProcessPool;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code map} of {@value #ITEMS} trivial items over the default pool (one worker per core), with
 * chunk size 1 (one task per item: the pool's per-task cost) and with the default chunking
 * (CPython's heuristic). Scores are items per second; the workers start in the trial's set-up.
 */
@State(Scope.Benchmark)
public class ProcessMapBench extends BenchShape.OpsPerSecond {
  static final int ITEMS = 100_000;

  private static final PoolFunction<Integer, Integer> IDENTITY = x -> x;

  /** Items per task: "1", or "default" for the pool's heuristic. */
  @Param({"1", "default"})
  public String chunk;

  private ProcessPool pool;
  private List<Integer> items;
  private int chunkSize;

  /**
   * Starts the workers and makes the items.
   *
   * @throws InterruptedException if interrupted while the workers start
   */
  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    pool = ProcessPool.builder().name("bench-map").noAotCache().build();
    chunkSize = chunk.equals("default") ? 0 : Integer.parseInt(chunk);
    items = new ArrayList<>(ITEMS);
    for (int i = 0; i < ITEMS; i++) {
      items.add(i);
    }
  }

  /** Stops the workers. */
  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  /**
   * @return the results, in order
   * @throws InterruptedException if interrupted while waiting
   */
  @Benchmark
  @OperationsPerInvocation(ITEMS)
  public List<Integer> map() throws InterruptedException {
    return pool.map(IDENTITY, items, chunkSize);
  }
}
