package dev.baton.core;

/**
 * The runtime was used in a way its contract forbids: touching guarded objects without the guard,
 * releasing a lock one does not hold, a reference count below zero, a use after free, a loop-only
 * call from another thread. Each kind of misuse has its own subclass so callers and tests can tell
 * them apart; the message says what was done, by which thread, and what to do instead.
 *
 * <p>Misuse is a programming error, hence an unchecked {@link IllegalStateException}.
 */
public class BatonMisuseException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public BatonMisuseException(String message) {
    super(message);
  }

  /**
   * @param message what was done, by which thread, and what to do instead
   * @param cause the underlying failure
   */
  public BatonMisuseException(String message, Throwable cause) {
    super(message, cause);
  }
}
