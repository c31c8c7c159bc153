package dev.baton.core.object;

import dev.baton.core.BatonMisuseException;

/** An {@link OwnedRef} was used after it was closed (its reference was already given back). */
public class ClosedReferenceException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public ClosedReferenceException(String message) {
    super(message);
  }
}
