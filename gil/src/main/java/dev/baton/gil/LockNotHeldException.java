package dev.baton.gil;

import dev.baton.core.BatonMisuseException;

/**
 * A GIL-aware lock was released, or a condition waited on or notified, by a thread that does not
 * hold the lock: Python's {@code RuntimeError: release unlocked lock} and {@code cannot wait on
 * un-acquired lock}. The message names the thread, the lock and its current holder.
 */
public final class LockNotHeldException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public LockNotHeldException(String message) {
    super(message);
  }
}
