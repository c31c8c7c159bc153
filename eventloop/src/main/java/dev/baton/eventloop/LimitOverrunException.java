package dev.baton.eventloop;

import java.io.IOException;

/**
 * {@link StreamReader#readUntil} found no separator within the reader's limit (asyncio's {@code
 * LimitOverrunError}); the data stays in the buffer.
 */
public final class LimitOverrunException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int consumed;

  LimitOverrunException(String message, int consumed) {
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
