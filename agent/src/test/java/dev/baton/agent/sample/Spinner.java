package dev.baton.agent.sample;

/** Plain Java: a loop without calls, instrumented by the tests. */
public final class Spinner {
  /** Whether {@link #spin()} goes on; the test clears it. */
  public static volatile boolean running;

  /** Set once {@link #spin()} has entered its loop. */
  public static volatile boolean spinning;

  private Spinner() {}

  /** Counts until {@link #running} is false, in a loop that makes no call. */
  public static long spin() {
    long x = 0;
    spinning = true;
    while (running) {
      x++;
    }
    return x;
  }
}
