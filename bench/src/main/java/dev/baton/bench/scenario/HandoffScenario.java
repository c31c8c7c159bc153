package dev.baton.bench.scenario;

import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hand-off latency: the holder stamps the time and releases while the other thread waits to
 * acquire; the waiter records how long after the stamp it runs. Two threads ping-pong so that every
 * release is a hand-off.
 *
 * <p>Keys: {@code fair_p50_us}, {@code fair_p99_us}, {@code fair_max_us}, {@code fair_per_s} for
 * the GIL with policy FAIR (plain {@code release()}, FIFO hand-off to the waiter), and the same
 * with prefix {@code lock} for a fair {@link ReentrantLock} (the peer). The CPYTHON policy is not
 * measured this way: it lets the releaser take the GIL back before the waiter, so a release is not
 * a hand-off.
 */
final class HandoffScenario implements Scenario {

  @Override
  public String name() {
    return "gil-handoff";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    int handoffs = smoke ? 500 : 20_000;
    ReentrantLock lock = new ReentrantLock(true);
    Handoff<ReentrantLock> peer =
        new Handoff<>(
            lock,
            new Handoff.Ops<>() {
              @Override
              public void acquire(ReentrantLock l) {
                l.lock();
              }

              @Override
              public void release(ReentrantLock l) {
                l.unlock();
              }

              @Override
              public boolean hasWaiter(ReentrantLock l) {
                return l.hasQueuedThreads();
              }
            });
    peer.measure(handoffs, out, "lock");

    try (GilRuntime runtime =
        GilRuntime.builder().name("handoff").policy(GilPolicy.FAIR).watchdogOff().build()) {
      Handoff<Gil> gil =
          new Handoff<>(
              runtime.gil(),
              new Handoff.Ops<>() {
                @Override
                public void acquire(Gil g) {
                  g.acquire();
                }

                @Override
                public void release(Gil g) {
                  g.release();
                }

                @Override
                public boolean hasWaiter(Gil g) {
                  return g.waitingThreads() > 0;
                }
              });
      gil.measure(handoffs, out, "fair");
    }
  }

  /**
   * Ping-pong hand-off measurement over any lock-like thing.
   *
   * @param <L> the lock type
   */
  static final class Handoff<L> {
    /** How to use the lock. */
    interface Ops<L> {
      void acquire(L lock) throws Exception;

      void release(L lock) throws Exception;

      /**
       * @return whether another thread is queued to acquire (so a release hands off)
       */
      boolean hasWaiter(L lock);
    }

    private final L lock;
    private final Ops<L> ops;

    /** Written by the releasing thread before release; read by the acquirer after acquire. */
    private volatile long stamp;

    Handoff(L lock, Ops<L> ops) {
      this.lock = lock;
      this.ops = ops;
    }

    void measure(int handoffs, Metrics out, String prefix) throws Exception {
      Samples a = new Samples(handoffs / 2 + 1);
      Samples b = new Samples(handoffs / 2 + 1);
      int each = handoffs / 2;
      long start = System.nanoTime();
      ops.acquire(lock); // before the partner starts, so the roles cannot swap
      Thread other = Thread.ofPlatform().name("handoff-b").start(() -> pingPong(false, each, b));
      pingPong(true, each, a);
      other.join(TimeUnit.SECONDS.toMillis(60));
      if (other.isAlive()) {
        throw new IllegalStateException("hand-off partner did not finish in 60 s");
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      a.addAll(b);
      out.putLatency(prefix, a, a.size() / seconds);
    }

    /**
     * The first thread holds the lock already; both alternate: wait until the partner is queued,
     * stamp, release, acquire again (queued behind the partner), record the gap.
     */
    private void pingPong(boolean first, int rounds, Samples samples) {
      try {
        if (!first) {
          ops.acquire(lock);
          samples.add(System.nanoTime() - stamp);
        }
        for (int i = 0; i < rounds; i++) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (!ops.hasWaiter(lock)) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("partner never queued for the lock");
            }
            Thread.onSpinWait();
          }
          boolean last = !first && i == rounds - 1;
          stamp = System.nanoTime();
          ops.release(lock);
          if (last) {
            return;
          }
          ops.acquire(lock);
          samples.add(System.nanoTime() - stamp);
        }
        ops.release(lock);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
