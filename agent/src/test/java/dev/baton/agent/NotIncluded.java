package dev.baton.agent;

/** Code the tests' loader does not instrument: a blocking call in it keeps the GIL. */
public final class NotIncluded {
  /** Set by the sample SlowInit's class initialiser when it starts. */
  public static volatile boolean initStarted;

  /** Set by the test to let the sample SlowInit's class initialiser end. */
  public static volatile boolean releaseInit;

  private NotIncluded() {}

  public static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
