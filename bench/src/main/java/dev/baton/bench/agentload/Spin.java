package dev.baton.bench.agentload;

/**
 * Plain CPU-bound Java that the agent-switch scenario runs on two threads under {@code
 * -javaagent:baton-agent.jar=include=dev.baton.bench.agentload.}: one loop that calls a small
 * method per iteration, one loop that makes no call. No Baton call in them.
 *
 * <p>Threading: {@link #running} is written by the scenario's thread and read by every spinner.
 */
public final class Spin {
  /**
   * Whether the spinners go on; each returns at its next iteration once it is false. A field, not a
   * method, so that the scenario's thread sets it without entering included code (and taking the
   * GIL).
   */
  public static volatile boolean running;

  private Spin() {}

  /**
   * Spins while {@link #running} in a loop with one call per iteration (checkpoints at the call's
   * entry and at the loop's back branch).
   *
   * @param seed where the work starts
   * @return the work's result, never 0
   */
  public static long withCalls(long seed) {
    long x = seed;
    while (running) {
      x = step(x);
    }
    return x | 1;
  }

  /**
   * Spins while {@link #running} in a loop without calls (its back branch counts down to a
   * checkpoint).
   *
   * @param seed where the work starts
   * @return the work's result, never 0
   */
  public static long callFree(long seed) {
    long x = seed;
    while (running) {
      x = x * 6364136223846793005L + 1442695040888963407L;
    }
    return x | 1;
  }

  static long step(long x) {
    return x * 6364136223846793005L + 1442695040888963407L;
  }
}
