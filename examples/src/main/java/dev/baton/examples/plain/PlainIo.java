package dev.baton.examples.plain;

/**
 * I/O-bound work in plain Java, with no Baton call: {@code THREADS} threads share {@code WAITS}
 * blocking waits of {@code MILLIS} each ({@code Thread.sleep}, standing for a web request).
 *
 * <p>Usage: {@code PlainIo THREADS WAITS MILLIS}; prints {@code elapsed_ms=T}.
 */
public final class PlainIo {
  private PlainIo() {}

  public static void main(String[] args) throws InterruptedException {
    int threads = Integer.parseInt(args[0]);
    int waits = Integer.parseInt(args[1]);
    long millis = Long.parseLong(args[2]);
    Thread[] workers = new Thread[threads];
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      workers[t] =
          new Thread(
              () -> {
                for (int i = 0; i < waits / threads; i++) {
                  request(millis);
                }
              });
      workers[t].start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    System.out.println("elapsed_ms=" + (System.nanoTime() - start) / 1_000_000.0);
  }

  static void request(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
