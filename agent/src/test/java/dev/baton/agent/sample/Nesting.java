package dev.baton.agent.sample;

import java.util.function.BooleanSupplier;

/** Plain Java: nested calls, one of them throwing, instrumented by the tests. */
public final class Nesting {
  private Nesting() {}

  /**
   * Calls a method that returns and one that throws, then asks {@code probe} (code that is not
   * included) a question on the same thread.
   */
  public static boolean outer(BooleanSupplier probe) {
    inner();
    try {
      failing();
    } catch (IllegalStateException expected) {
      // the nested frame ended exceptionally
    }
    return probe.getAsBoolean();
  }

  static void inner() {}

  static void failing() {
    throw new IllegalStateException("nested");
  }
}
