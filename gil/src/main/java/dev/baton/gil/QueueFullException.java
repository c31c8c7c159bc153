package dev.baton.gil;

/**
 * A bounded {@link GilQueue} had no free slot within the time allowed: Python's {@code queue.Full}.
 *
 * <p>Checked, because a full queue is an expected outcome the caller must decide about (drop,
 * retry, apply back-pressure), like {@link java.util.concurrent.TimeoutException}; it is not a
 * misuse.
 */
public final class QueueFullException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which queue and how long the caller waited
   */
  public QueueFullException(String message) {
    super(message);
  }
}
