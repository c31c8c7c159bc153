package dev.baton.eventloop;

import java.io.IOException;

/**
 * Thrown by {@link StreamReader#readUntil} and {@link StreamReader#readLine} when no separator came
 * within the reader's {@link StreamReader#limit()} (asyncio's {@code LimitOverrunError}); the data
 * stays in the buffer.
 */
public final class LimitOverrunException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int consumed;

  /**
   * @param message what was searched for, and the limit
   * @param consumed how many bytes were searched
   */
  public LimitOverrunException(String message, int consumed) {
    super(message);
    this.consumed = consumed;
  }

  /**
   * @return how many bytes were searched
   */
  public int consumed() {
    return consumed;
  }
}
