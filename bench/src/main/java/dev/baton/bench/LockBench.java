package dev.baton.bench;

import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The peers of the GIL's uncontended acquire+release, one thread, same body (one increment) under
 * each: {@link ReentrantLock} unfair and fair, {@code synchronized}, a one-permit {@link
 * Semaphore}.
 */
@State(Scope.Thread)
public class LockBench extends BenchShape.NanosPerOp {
  private final ReentrantLock unfair = new ReentrantLock();
  private final ReentrantLock fair = new ReentrantLock(true);
  private final Object monitor = new Object();
  private final Semaphore semaphore = new Semaphore(1);

  /** Guarded by whichever lock the benchmark takes. */
  private int counter;

  /**
   * @return the counter, incremented under an unfair ReentrantLock
   */
  @Benchmark
  public int reentrantUnfair() {
    unfair.lock();
    try {
      return ++counter;
    } finally {
      unfair.unlock();
    }
  }

  /**
   * @return the counter, incremented under a fair ReentrantLock
   */
  @Benchmark
  public int reentrantFair() {
    fair.lock();
    try {
      return ++counter;
    } finally {
      fair.unlock();
    }
  }

  /**
   * @return the counter, incremented in a synchronized block
   */
  @Benchmark
  public int synchronizedBlock() {
    synchronized (monitor) {
      return ++counter;
    }
  }

  /**
   * @return the counter, incremented holding the semaphore's one permit
   * @throws InterruptedException never here: one thread, the permit is always free
   */
  @Benchmark
  public int semaphore() throws InterruptedException {
    semaphore.acquire();
    try {
      return ++counter;
    } finally {
      semaphore.release();
    }
  }
}
