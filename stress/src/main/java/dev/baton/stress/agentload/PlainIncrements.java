package dev.baton.stress.agentload;

import java.util.function.IntSupplier;

/**
 * Plain Java, no Baton call: the increment of the agent proofs, which load this class as the Baton
 * agent rewrites it ({@link dev.baton.stress.AgentClasses}).
 *
 * <p>Threading: none of its own; the proofs run it from two actors.
 */
public final class PlainIncrements implements Runnable, IntSupplier {
  private final boolean withCall;
  private int x;

  /**
   * @param withCall false: {@code x = x + 1}; true: {@code v = x; step(); x = v + 1}
   */
  public PlainIncrements(boolean withCall) {
    this.withCall = withCall;
  }

  @Override
  public void run() {
    if (withCall) {
      int v = x;
      step();
      x = v + 1;
    } else {
      x = x + 1;
    }
  }

  @Override
  public int getAsInt() {
    return x;
  }

  static void step() {}
}
