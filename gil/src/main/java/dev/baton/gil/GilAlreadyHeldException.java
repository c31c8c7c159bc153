package dev.baton.gil;

import dev.baton.core.BatonMisuseException;

/**
 * A thread called {@link Gil#acquire()} on a GIL it already holds. The GIL is not reentrant, as in
 * CPython; use {@link GilRuntime#ensure()}, which nests, when a call may already hold it.
 */
public class GilAlreadyHeldException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public GilAlreadyHeldException(String message) {
    super(message);
  }

  static GilAlreadyHeldException of(Gil gil, Thread thread) {
    return new GilAlreadyHeldException(
        "thread \""
            + thread.getName()
            + "\" acquired the GIL of runtime \""
            + gil.name()
            + "\" while already holding it; the GIL is not reentrant: use ensure(), which nests,"
            + " or release it first");
  }
}
