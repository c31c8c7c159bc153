package dev.baton.agent.sample;

/**
 * Plain Java: a class initialiser that calls included code (whose entries are checkpoints) until
 * the test lets it end, instrumented by the tests. {@link InitTrigger} touches it.
 */
public final class SlowInit {
  public static final long VALUE;

  static {
    dev.baton.agent.NotIncluded.initStarted = true;
    long x = 0;
    int i = 0;
    while (!dev.baton.agent.NotIncluded.releaseInit) {
      x += step(i++);
    }
    VALUE = x;
  }

  private SlowInit() {}

  static long step(int i) {
    return i & 7;
  }
}
