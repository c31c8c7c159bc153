package dev.baton.core;

/**
 * A thread touched objects guarded by a {@link Guard} it does not hold, for example a
 * reference-counted object of a GIL runtime from a thread that does not hold that runtime's GIL.
 */
public class GuardNotHeldException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public GuardNotHeldException(String message) {
    super(message);
  }

  /**
   * Builds the standard message for {@code thread} touching objects of {@code guard}.
   *
   * @param guard the guard that was not held
   * @param thread the offending thread
   * @return the exception, ready to throw
   */
  public static GuardNotHeldException notHeld(Guard guard, Thread thread) {
    return new GuardNotHeldException(
        "thread \""
            + thread.getName()
            + "\" touched objects guarded by \""
            + guard.name()
            + "\" without holding it; acquire the guard first (for a GIL runtime: run on one of"
            + " its threads or call ensure())");
  }
}
