package dev.baton.core.object;

import dev.baton.core.BatonMisuseException;

/**
 * The object model's memory errors, thrown before anything changes: an object used after it was
 * deallocated (its reference count had reached zero, so its references and resources were already
 * released), an {@link OwnedRef} used after it was closed, or a decref that would take a count
 * below zero (a reference released that the caller did not own, or released twice; the count is
 * left as it was). The message names the object's type, identity and space, the operation, the
 * count where it matters, and the thread.
 */
public final class UseAfterFreeException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public UseAfterFreeException(String message) {
    super(message);
  }

  /**
   * @param message what was done, by which thread, and what to do instead
   * @param cause the underlying failure
   */
  public UseAfterFreeException(String message, Throwable cause) {
    super(message, cause);
  }
}
