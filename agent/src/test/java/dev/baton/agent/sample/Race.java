package dev.baton.agent.sample;

/** Plain Java, no Baton calls: the talk's race, instrumented by the tests. */
public final class Race {
  public static int counter;

  private Race() {}

  /** {@code counter = counter + 1}: no checkpoint between the read and the write. */
  public static void plain(int times) {
    for (int i = 0; i < times; i++) {
      counter = counter + 1;
    }
  }

  /** A call between the read and the write: its entry is a checkpoint. */
  public static void withCall(int times) {
    for (int i = 0; i < times; i++) {
      int v = counter;
      work();
      counter = v + 1;
    }
  }

  static void work() {}
}
