package dev.baton.bench.agentload;

import java.util.function.LongUnaryOperator;

/**
 * Plain Java loops that {@link dev.baton.bench.AgentBench} runs as compiled and as the Baton agent
 * rewrites them. No Baton call in them.
 *
 * <p>Threading: stateless.
 */
public final class Loops implements LongUnaryOperator {
  /** Which loop {@link #applyAsLong} runs. */
  private final int kind;

  /**
   * @param kind 0: a loop with one call per iteration; 1: a counted loop without calls; 2: one call
   *     of a small method
   */
  public Loops(int kind) {
    this.kind = kind;
  }

  @Override
  public long applyAsLong(long n) {
    return switch (kind) {
      case 0 -> callLoop(n);
      case 1 -> countedLoop((int) n);
      default -> step(n);
    };
  }

  static long callLoop(long n) {
    long sum = 0;
    for (long i = 0; i < n; i++) {
      sum += step(i);
    }
    return sum;
  }

  static long countedLoop(int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      sum += (long) i * i;
    }
    return sum;
  }

  static long step(long i) {
    return i ^ (i >>> 3);
  }
}
