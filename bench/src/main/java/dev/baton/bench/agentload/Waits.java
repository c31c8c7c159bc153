package dev.baton.bench.agentload;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.stream.LongStream;

/**
 * Plain blocking-heavy Java that the agent-blocking scenarios run with and without {@code
 * -javaagent:baton-agent.jar=include=dev.baton.bench.agentload.}: every hand-off through a {@link
 * SynchronousQueue} parks one side (a JDK wait, which releases the GIL under the agent), and a
 * parallel stream's join waits for the common pool's workers. No Baton call in them.
 */
public final class Waits {
  private Waits() {}

  /**
   * Two producers and two consumers pass {@code items} boxed longs through one synchronous queue.
   *
   * @param items how many items in all (even)
   * @return the sum the consumers took
   * @throws InterruptedException if interrupted while joining
   */
  public static long synchronousQueue(int items) throws InterruptedException {
    SynchronousQueue<Long> queue = new SynchronousQueue<>();
    long[] sums = new long[2];
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      long base = p;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < items / 2; i++) {
                        queue.put(base + 2L * i);
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }));
    }
    for (int c = 0; c < 2; c++) {
      int slot = c;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    long sum = 0;
                    try {
                      for (int i = 0; i < items / 2; i++) {
                        sum += queue.take();
                      }
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                    sums[slot] = sum;
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return sums[0] + sums[1];
  }

  /**
   * A parallel stream over {@code n} elements with a small step each, on the common pool.
   *
   * @param n how many elements
   * @return the sum of the steps
   */
  public static long parallelStream(int n) {
    return LongStream.range(0, n).parallel().map(Waits::step).sum();
  }

  static long step(long x) {
    long y = x;
    for (int i = 0; i < 64; i++) {
      y = y * 6364136223846793005L + 1442695040888963407L;
    }
    return y >>> 40;
  }
}
