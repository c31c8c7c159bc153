package dev.baton.examples.plain;

/**
 * The talk's CPU-bound work in plain Java, with no Baton call: {@code THREADS} threads share {@code
 * WORK} iterations of {@code sum += i * i}.
 *
 * <p>Usage: {@code PlainCpu THREADS WORK}; prints {@code elapsed_ms=T sum=S}.
 */
public final class PlainCpu {
  private PlainCpu() {}

  public static void main(String[] args) throws InterruptedException {
    int threads = Integer.parseInt(args[0]);
    long work = Long.parseLong(args[1]);
    long[] sums = new long[threads];
    Thread[] workers = new Thread[threads];
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int index = t;
      workers[t] = new Thread(() -> sums[index] = sumOfSquares(work / threads));
      workers[t].start();
    }
    long sum = 0;
    for (int t = 0; t < threads; t++) {
      workers[t].join();
      sum += sums[t];
    }
    long elapsed = System.nanoTime() - start;
    System.out.println("elapsed_ms=" + elapsed / 1_000_000.0 + " sum=" + sum);
  }

  static long sumOfSquares(long n) {
    long sum = 0;
    for (long i = 0; i < n; i++) {
      sum += i * i;
    }
    return sum;
  }
}
