package dev.baton.examples.plain;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The talk's race in plain Java, with no Baton call: two threads add 1 to a shared counter. {@code
 * plain} writes {@code counter = counter + 1}; {@code call} reads, calls a method, then writes, so
 * that under the agent a checkpoint (the method's entry) falls between the read and the write.
 *
 * <p>Usage: {@code PlainRace plain|call INCREMENTS}; prints {@code final=V lost=L}.
 */
public final class PlainRace {
  /** Volatile so that every increment is a real read and a real write, as in the interpreter. */
  static volatile long counter;

  private PlainRace() {}

  public static void main(String[] args) throws InterruptedException {
    boolean call = args[0].equals("call");
    int n = Integer.parseInt(args[1]);
    AtomicInteger running = new AtomicInteger();
    Thread[] threads = new Thread[2];
    for (int t = 0; t < threads.length; t++) {
      threads[t] =
          new Thread(
              () -> {
                // both threads on a core before counting, so that their loops overlap
                running.incrementAndGet();
                while (running.get() < 2) {
                  Thread.onSpinWait();
                }
                if (call) {
                  withCall(n);
                } else {
                  plain(n);
                }
              });
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.println("final=" + counter + " lost=" + (2L * n - counter));
  }

  static void plain(int n) {
    for (int i = 0; i < n; i++) {
      counter = counter + 1;
    }
  }

  static void withCall(int n) {
    for (int i = 0; i < n; i++) {
      long v = counter;
      step();
      counter = v + 1;
    }
  }

  static void step() {}
}
