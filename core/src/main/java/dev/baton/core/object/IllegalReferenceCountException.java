package dev.baton.core.object;

import dev.baton.core.BatonMisuseException;

/**
 * A decref would take a reference count below zero: the caller released a reference it did not own,
 * or released one twice. The count is left as it was. Netty's {@code
 * IllegalReferenceCountException} is the model.
 */
public class IllegalReferenceCountException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  private final long refCount;

  /**
   * @param message what was done, by which thread, and what to do instead
   * @param refCount the reference count the object had when the decref was refused
   */
  public IllegalReferenceCountException(String message, long refCount) {
    super(message);
    this.refCount = refCount;
  }

  /**
   * @return the reference count the object had when the decref was refused
   */
  public long refCount() {
    return refCount;
  }
}
