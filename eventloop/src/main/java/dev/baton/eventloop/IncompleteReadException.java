package dev.baton.eventloop;

import java.io.EOFException;

/**
 * Thrown by {@link StreamReader#readExactly} and {@link StreamReader#readUntil} when the stream
 * ended before the read could be satisfied (asyncio's {@code IncompleteReadError}); the bytes read
 * so far are in {@link #partial()}.
 */
public final class IncompleteReadException extends EOFException {
  private static final long serialVersionUID = 1L;

  private final byte[] partial;
  private final int expected;

  /**
   * @param partial the bytes read before the end of the stream (copied)
   * @param expected how many bytes were expected, or -1 when a separator was
   */
  public IncompleteReadException(byte[] partial, int expected) {
    super(
        partial.length
            + " bytes read before the end of the stream, "
            + (expected < 0 ? "without the separator" : expected + " expected"));
    this.partial = partial.clone();
    this.expected = expected;
  }

  /**
   * @return the bytes read before the end of the stream
   */
  public byte[] partial() {
    return partial.clone();
  }

  /**
   * @return the number of bytes expected, or -1 when a separator was expected
   */
  public int expected() {
    return expected;
  }
}
