package dev.baton.bench;

import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Two threads taking turns: each operation is acquire, one increment, release, with the other
 * thread waiting, so a fair lock (or the FAIR GIL) hands off on nearly every release. Time per
 * operation per thread.
 */
@Threads(2)
@State(Scope.Benchmark)
public class HandoffBench extends BenchShape.NanosPerOp {
  private final ReentrantLock fair = new ReentrantLock(true);
  private GilRuntime runtime;
  private Gil gil;

  /** Builds a FAIR runtime. */
  @Setup(Level.Trial)
  public void setUp() {
    runtime = GilRuntime.builder().name("bench").policy(GilPolicy.FAIR).watchdogOff().build();
    gil = runtime.gil();
  }

  /** Closes it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
  }

  /** Guarded by the lock the benchmark takes. */
  private int counter;

  /**
   * @return the counter, incremented under a fair ReentrantLock contended by 2 threads
   */
  @Benchmark
  public int fairLock() {
    fair.lock();
    try {
      return ++counter;
    } finally {
      fair.unlock();
    }
  }

  /**
   * @return the counter, incremented holding a FAIR GIL contended by 2 threads
   */
  @Benchmark
  public int gil() {
    gil.acquire();
    try {
      return ++counter;
    } finally {
      gil.release();
    }
  }
}
