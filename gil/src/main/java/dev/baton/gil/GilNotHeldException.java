package dev.baton.gil;

import dev.baton.core.GuardNotHeldException;

/**
 * A thread released, checkpointed or checked a GIL it does not hold. The message names the thread,
 * the runtime, and what to do instead.
 */
public class GilNotHeldException extends GuardNotHeldException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public GilNotHeldException(String message) {
    super(message);
  }

  static GilNotHeldException of(Gil gil, Thread thread, String action) {
    return new GilNotHeldException(
        "thread \""
            + thread.getName()
            + "\" "
            + action
            + " the GIL of runtime \""
            + gil.name()
            + "\" but does not hold it; hold it first (run on one of the runtime's threads, call"
            + " ensure(), or acquire() it)");
  }
}
