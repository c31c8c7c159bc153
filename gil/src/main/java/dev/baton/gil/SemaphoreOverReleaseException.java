package dev.baton.gil;

import dev.baton.core.BatonMisuseException;

/**
 * A {@link GilBoundedSemaphore} was released more times than it was acquired, which would raise its
 * value above its initial value: Python's {@code ValueError: Semaphore released too many times}.
 */
public final class SemaphoreOverReleaseException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public SemaphoreOverReleaseException(String message) {
    super(message);
  }
}
