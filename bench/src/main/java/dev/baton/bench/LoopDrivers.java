package dev.baton.bench;

import dev.baton.bench.scenario.LoopAdapter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The loop workloads, written once against {@link LoopAdapter} so Baton's loop and Netty's run the
 * very same harness. Each drives a batch and waits (park, bounded) until the loop reports it done.
 * Nothing allocates per item on the harness side.
 */
final class LoopDrivers {
  private LoopDrivers() {}

  /** How long a batch may take before the benchmark fails instead of hanging. */
  private static final long BATCH_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** Completion flag shared by the drivers: set on the loop thread, awaited by the driver. */
  abstract static class Batch implements Runnable {
    final LoopAdapter loop;

    /** Set on the loop thread when the batch is over; read by the driving thread. */
    private volatile boolean done;

    private volatile Thread waiter;

    Batch(LoopAdapter loop) {
      this.loop = loop;
    }

    final void finish() {
      done = true;
      LockSupport.unpark(waiter);
    }

    final void await() {
      long deadline = System.nanoTime() + BATCH_LIMIT_NANOS;
      while (!done) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(loop.key() + ": batch not done after 60 s");
        }
        LockSupport.parkNanos(this, 1_000_000);
      }
    }

    final void begin() {
      waiter = Thread.currentThread();
      done = false;
    }
  }

  /** Chained callSoon: each callback schedules the next one from the loop thread. */
  static final class Chain extends Batch {
    /** Confined to the loop thread once the batch starts (published by execute). */
    private int remaining;

    Chain(LoopAdapter loop) {
      super(loop);
    }

    void run(int count) {
      begin();
      remaining = count;
      loop.execute(this);
      await();
    }

    @Override
    public void run() {
      if (--remaining > 0) {
        loop.callSoon(this);
      } else {
        finish();
      }
    }
  }

  /** Cross-thread submissions: the driver submits {@code count} items from its own thread. */
  static final class Flood extends Batch {
    private final Runnable item;

    /** Confined to the loop thread. */
    private int seen;

    Flood(LoopAdapter loop) {
      super(loop);
      this.item = () -> seen++;
    }

    void run(int count) {
      begin();
      for (int i = 0; i < count; i++) {
        loop.execute(item);
      }
      loop.execute(this);
      await();
    }

    @Override
    public void run() {
      finish();
    }

    int seen() {
      return seen;
    }
  }

  /** Timers: the loop thread schedules {@code count} zero-delay timers and waits for them all. */
  static final class Timers extends Batch {
    private final Runnable fire;

    /** Confined to the loop thread. */
    private int pending;

    private int count;

    Timers(LoopAdapter loop) {
      super(loop);
      this.fire =
          () -> {
            if (--pending == 0) {
              finish();
            }
          };
    }

    void run(int count) {
      begin();
      this.count = count;
      loop.execute(this);
      await();
    }

    @Override
    public void run() {
      pending = count;
      for (int i = 0; i < count; i++) {
        loop.schedule(fire, 0);
      }
    }
  }
}
