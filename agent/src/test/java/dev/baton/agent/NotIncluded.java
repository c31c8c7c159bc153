package dev.baton.agent;

/** Code the tests' loader does not instrument: a blocking call in it keeps the GIL. */
public final class NotIncluded {
  private NotIncluded() {}

  public static void sleep(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
