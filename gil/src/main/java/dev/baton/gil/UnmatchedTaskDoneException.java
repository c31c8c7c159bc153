package dev.baton.gil;

import dev.baton.core.BatonMisuseException;

/**
 * {@link GilQueue#taskDone()} was called more times than items were put: Python's {@code
 * ValueError: task_done() called too many times}.
 */
public final class UnmatchedTaskDoneException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public UnmatchedTaskDoneException(String message) {
    super(message);
  }
}
