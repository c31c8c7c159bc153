package dev.baton.agent.sample;

/**
 * Plain Java that touches {@link SlowInit}, so that its caller runs or waits for its initialiser.
 */
public final class InitTrigger {
  private InitTrigger() {}

  public static long touch() {
    return SlowInit.VALUE + 1;
  }
}
