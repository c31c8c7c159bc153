package dev.baton.process;

import dev.baton.core.BatonMisuseException;

/** A task was submitted to a pool that is shut down. */
public class PoolShutdownException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was submitted, by which thread, and what to do instead
   */
  public PoolShutdownException(String message) {
    super(message);
  }
}
