package dev.baton.bench;

import dev.baton.core.Guard;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RcBox;
import dev.baton.core.object.RefCountStrategy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Two threads doing incref+decref pairs on one shared object of a free-threaded space: ATOMIC (both
 * threads on one atomic count) and BIASED (one thread is the owner, the other goes to the shared
 * atomic count). Time per pair per thread.
 */
@Threads(2)
@State(Scope.Benchmark)
public class RefCountContendedBench extends BenchShape.NanosPerOp {

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
