package demo.race;

/**
 * A plain-Java program for the agent's end-to-end test: two threads, one unsynchronised counter.
 * Outside Baton's packages, which the agent never instruments.
 */
public final class RaceMain {
  static int counter;

  private RaceMain() {}

  public static void main(String[] args) throws InterruptedException {
    int times = Integer.parseInt(args[0]);
    Thread a = new Thread(() -> plain(times));
    Thread b = new Thread(() -> plain(times));
    a.start();
    b.start();
    a.join();
    b.join();
    System.out.println("lost " + (2L * times - counter));
  }

  static void plain(int times) {
    for (int i = 0; i < times; i++) {
      counter = counter + 1;
    }
  }
}
