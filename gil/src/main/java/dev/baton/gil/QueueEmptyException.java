package dev.baton.gil;

/**
 * A {@link GilQueue} had no item to give within the time allowed: Python's {@code queue.Empty}.
 *
 * <p>Checked, because running out of items or time is an expected outcome the caller must decide
 * about, like {@link java.util.concurrent.TimeoutException}; it is not a misuse.
 */
public final class QueueEmptyException extends Exception {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which queue and how long the caller waited
   */
  public QueueEmptyException(String message) {
    super(message);
  }
}
