package dev.baton.core.object;

import dev.baton.core.BatonMisuseException;

/**
 * An object was used after it was deallocated: its reference count had reached zero, so its
 * references and resources were already released. The message names the object's type and identity,
 * the operation and the thread.
 */
public class UseAfterFreeException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public UseAfterFreeException(String message) {
    super(message);
  }
}
