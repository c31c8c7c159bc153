package dev.baton.bench;

import dev.baton.core.Guard;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RcBox;
import dev.baton.core.object.RefCountStrategy;
import dev.baton.gil.Gil;
import dev.baton.gil.GilRuntime;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The talk's trade-off as one table: a reference-count-heavy workload (incref+decref pairs over
 * each thread's own 8 objects) on 1 and 2 threads, with the GIL and PLAIN counts, or free-threaded
 * with ATOMIC or BIASED counts. Each invocation runs {@value #BATCH} pairs holding the GIL (a no-op
 * when free-threaded), so under the GIL two threads take turns at batch granularity (FIFO hand-off)
 * and every operation is also a checkpoint. Scores: pairs per second, all threads together.
 */
@State(Scope.Benchmark)
public class RefCountWorkloadBench extends BenchShape.OpsPerSecond {
  static final int BATCH = 1_000;
  static final int OBJECTS = 8;

  /** GIL + PLAIN, free-threaded + ATOMIC, free-threaded + BIASED. */
  @Param({"GIL_PLAIN", "FT_ATOMIC", "FT_BIASED"})
  public String mode;

  private GilRuntime runtime;
  private Gil gil;
  private ObjectSpace space;

  /** Builds the runtime (GIL on or off) and the space. */
  @Setup(Level.Trial)
  public void setUp() {
    boolean withGil = mode.equals("GIL_PLAIN");
    runtime = GilRuntime.builder().name("bench").gil(withGil).watchdogOff().build();
    gil = runtime.gil();
    space =
        ObjectSpace.builder()
            .guard(withGil ? gil : Guard.none())
            .strategy(
                switch (mode) {
                  case "GIL_PLAIN" -> RefCountStrategy.PLAIN;
                  case "FT_ATOMIC" -> RefCountStrategy.ATOMIC;
                  default -> RefCountStrategy.BIASED;
                })
            .build();
  }

  /** Closes the runtime. */
  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
  }

  /** One thread's own objects, made by that thread (so it owns their BIASED counts). */
  @State(Scope.Thread)
  public static class Mine {
    @SuppressWarnings("unchecked")
    final RcBox<Integer>[] objects = new RcBox[OBJECTS];

    /**
     * @param bench the shared state
     */
    @Setup(Level.Trial)
    public void make(RefCountWorkloadBench bench) {
      bench.gil.acquire();
      try {
        for (int i = 0; i < OBJECTS; i++) {
          objects[i] = bench.space.newBox(i);
        }
      } finally {
        bench.gil.release();
      }
    }
  }

  private long run(Mine mine) {
    Gil g = gil;
    RcBox<Integer>[] objects = mine.objects;
    g.acquire();
    try {
      for (int i = 0; i < BATCH; i++) {
        RcBox<Integer> o = objects[i & (OBJECTS - 1)];
        o.incref();
        o.decref();
      }
    } finally {
      g.release();
    }
    return BATCH;
  }

  /**
   * @param mine this thread's objects
   * @return pairs done
   */
  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(BATCH)
  public long workload1(Mine mine) {
    return run(mine);
  }

  /**
   * @param mine this thread's objects
   * @return pairs done
   */
  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(BATCH)
  public long workload2(Mine mine) {
    return run(mine);
  }
}
