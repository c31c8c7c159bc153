package dev.baton.bench;

import dev.baton.bench.scenario.Work;
import dev.baton.examples.Workloads;
import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The GIL on one thread: uncontended acquire+release (peers in {@link LockBench}, same run), a
 * checkpoint with no drop requested, and a tight CPU loop with and without a checkpoint per
 * iteration.
 */
@State(Scope.Thread)
public class GilBench extends BenchShape.NanosPerOp {
  static final int LOOP = 1_000;

  private GilRuntime runtime;
  private Gil gil;

  /** Guarded by the GIL in {@link #acquireRelease()}. */
  private int counter;

  private long seed = 42;

  /** Builds a FAIR runtime. */
  @Setup(Level.Trial)
  public void setUp() {
    runtime = GilRuntime.builder().name("bench").policy(GilPolicy.FAIR).build();
    gil = runtime.gil();
  }

  /** Closes it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
  }

  /** The benchmarks that need the GIL held take it for the iteration, on the benchmark thread. */
  @State(Scope.Thread)
  public static class Held {
    Gil gil;

    /** {@code gil::checkpoint}, as the examples pass it. */
    Runnable checkpoint;

    /**
     * @param bench the runtime's state
     */
    @Setup(Level.Iteration)
    public void take(GilBench bench) {
      gil = bench.gil;
      checkpoint = gil::checkpoint;
      gil.acquire();
    }

    /** Gives it back. */
    @TearDown(Level.Iteration)
    public void give() {
      gil.release();
    }
  }

  /**
   * @return the counter, incremented holding the GIL
   */
  @Benchmark
  public int acquireRelease() {
    gil.acquire();
    try {
      return ++counter;
    } finally {
      gil.release();
    }
  }

  /**
   * @param held the GIL, held by this thread
   * @return the counter, read after a checkpoint
   */
  @Benchmark
  public int checkpoint(Held held) {
    held.gil.checkpoint();
    return counter;
  }

  /**
   * @return the counter: the cost of a benchmark that does nothing, for reference
   */
  @Benchmark
  public int baseline() {
    return counter;
  }

  /**
   * @return the last value of {@value #LOOP} dependent CPU steps; time is per step
   */
  @Benchmark
  @OperationsPerInvocation(LOOP)
  public long loopPlain() {
    long x = seed;
    for (int i = 0; i < LOOP; i++) {
      x = Work.step(x);
    }
    return x;
  }

  /**
   * @param held the GIL, held by this thread
   * @return the same loop's value, with a checkpoint per step; time is per step
   */
  @Benchmark
  @OperationsPerInvocation(LOOP)
  public long loopWithCheckpoint(Held held) {
    Gil g = held.gil;
    long x = seed;
    for (int i = 0; i < LOOP; i++) {
      x = Work.step(x);
      g.checkpoint();
    }
    return x;
  }

  /** Squares per invocation of the sum-of-squares pair. */
  static final int SQUARES = 100_000;

  /**
   * @return the examples' plain sum of squares; time is per square
   */
  @Benchmark
  @OperationsPerInvocation(SQUARES)
  public long sumOfSquaresPlain() {
    return Workloads.sumOfSquares(SQUARES + (seed & 1));
  }

  /**
   * @param held the GIL, held by this thread
   * @return the same sum with a checkpoint every 1 000 squares, through a method reference as the
   *     examples pass it; time is per square
   */
  @Benchmark
  @OperationsPerInvocation(SQUARES)
  public long sumOfSquaresCheckpointed(Held held) {
    return Workloads.sumOfSquares(SQUARES + (seed & 1), 1_000, held.checkpoint);
  }
}
