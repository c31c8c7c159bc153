package dev.baton.gil;

import dev.baton.core.BatonMisuseException;

/**
 * New work was offered to a {@link GilRuntime} after {@link GilRuntime#close()} (interpreter
 * shutdown): a thread start, an {@code ensure()}, or an {@code acquire()} of its GIL.
 */
public class GilRuntimeClosedException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public GilRuntimeClosedException(String message) {
    super(message);
  }

  static GilRuntimeClosedException of(String runtime, Thread thread, String action) {
    return new GilRuntimeClosedException(
        "thread \""
            + thread.getName()
            + "\" tried to "
            + action
            + " on runtime \""
            + runtime
            + "\" after it was closed; build a new runtime instead");
  }
}
