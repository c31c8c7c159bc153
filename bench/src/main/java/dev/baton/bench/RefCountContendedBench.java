package dev.baton.bench;

import dev.baton.core.Guard;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RcBox;
import dev.baton.core.object.RefCountStrategy;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two threads doing incref+decref pairs on one shared object of a free-threaded space: ATOMIC (both
 * threads on one atomic count) and BIASED (one thread is the owner, the other goes to the shared
 * atomic count). Time per pair per thread.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
@State(Scope.Benchmark)
public class RefCountContendedBench {

  /** The reference-count strategy. */
  @Param({"ATOMIC", "BIASED"})
  public RefCountStrategy strategy;

  private RcBox<String> object;

  /** Builds the shared object (its BIASED owner is whichever benchmark thread runs this). */
  @Setup(Level.Trial)
  public void setUp() {
    object = ObjectSpace.builder().guard(Guard.none()).strategy(strategy).build().newBox("shared");
  }

  /**
   * @return the object, with the count back where it was once both threads are done
   */
  @Benchmark
  public Object pair() {
    RcBox<String> o = object;
    o.incref();
    o.decref();
    return o;
  }
}
