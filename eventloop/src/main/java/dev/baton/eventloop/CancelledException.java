package dev.baton.eventloop;

import java.util.concurrent.CancellationException;

/**
 * Thrown at a task's current {@link Tasks#await await} when the task, or the future it awaits, is
 * cancelled; also by {@link Future#result()} of a cancelled future. asyncio's {@code
 * CancelledError}. A task may catch it to clean up; if it lets it propagate, the task ends
 * cancelled.
 */
public class CancelledException extends CancellationException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message the cancellation message, may be null
   */
  public CancelledException(String message) {
    super(message);
  }
}
