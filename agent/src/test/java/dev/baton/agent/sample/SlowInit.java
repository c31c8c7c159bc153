package dev.baton.agent.sample;

/**
 * Plain Java: a class initialiser that runs long and calls included code (whose entries are
 * checkpoints), instrumented by the tests. {@link InitTrigger} touches it.
 */
public final class SlowInit {
  public static final long VALUE;

  static {
    dev.baton.agent.NotIncluded.initStarted = true;
    long x = 0;
    for (int i = 0; i < 20_000_000; i++) {
      x += step(i);
    }
    VALUE = x;
  }

  private SlowInit() {}

  static long step(int i) {
    return i & 7;
  }
}
