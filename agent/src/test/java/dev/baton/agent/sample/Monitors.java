package dev.baton.agent.sample;

/** Plain Java with monitors, instrumented by the tests. */
public final class Monitors {
  private final Object lock = new Object();
  private int count;
  private long sink;

  /** Holds the monitor through a long loop full of checkpoints. */
  public void spinHolding(int rounds, int spins) {
    for (int r = 0; r < rounds; r++) {
      synchronized (lock) {
        for (int i = 0; i < spins; i++) {
          sink += i;
        }
        count++;
      }
    }
  }

  /** Sleeps holding the monitor: the sleep releases the GIL, not the monitor. */
  public void sleepHolding(int rounds, long millis) throws InterruptedException {
    for (int r = 0; r < rounds; r++) {
      synchronized (lock) {
        Thread.sleep(millis);
        count++;
      }
    }
  }

  /** A read-modify-write with a checkpoint inside, made safe by the method's monitor. */
  public synchronized void increment() {
    int v = count;
    step();
    count = v + 1;
  }

  /** As {@link #increment()}, and throws on every other call after the increment. */
  public synchronized void incrementThenMaybeThrow(int i) {
    int v = count;
    step();
    count = v + 1;
    if (i % 2 == 0) {
      throw new IllegalStateException("even " + i);
    }
  }

  /** A static synchronized method, locked on the class. */
  public static synchronized int twice(int v) {
    return v * 2;
  }

  public synchronized int count() {
    return count;
  }

  void step() {}
}
