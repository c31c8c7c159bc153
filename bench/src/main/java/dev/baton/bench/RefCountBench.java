package dev.baton.bench;

import dev.baton.core.Guard;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RcBox;
import dev.baton.core.object.RefCountStrategy;
import dev.baton.gil.Gil;
import dev.baton.gil.GilRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One incref+decref pair on one object, one thread, per strategy: PLAIN in a space guarded by a GIL
 * the benchmark thread holds (each operation is a checkpoint), ATOMIC and BIASED in a free-threaded
 * space (the owner thread's path for BIASED).
 */
@State(Scope.Thread)
public class RefCountBench extends BenchShape.NanosPerOp {

  /** The reference-count strategy. */
  @Param({"PLAIN", "ATOMIC", "BIASED"})
  public RefCountStrategy strategy;

  private GilRuntime runtime;
  private Gil gil;
  private RcBox<String> object;

  /** Builds the space and its object, on the benchmark thread (the BIASED owner). */
  @Setup(Level.Trial)
  public void setUp() {
    ObjectSpace space;
    if (strategy == RefCountStrategy.PLAIN) {
      runtime = GilRuntime.builder().name("bench").build();
      gil = runtime.gil();
      gil.acquire();
      space = ObjectSpace.builder().guard(gil).strategy(strategy).build();
    } else {
      space = ObjectSpace.builder().guard(Guard.none()).strategy(strategy).build();
    }
    object = space.newBox("value");
  }

  /** Gives the GIL back and closes the runtime. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (runtime != null) {
      gil.release();
      runtime.close();
    }
  }

  /**
   * @return the object, with its count back where it was
   */
  @Benchmark
  public Object pair() {
    RcBox<String> o = object;
    o.incref();
    o.decref();
    return o;
  }
}
