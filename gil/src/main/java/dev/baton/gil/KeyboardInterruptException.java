package dev.baton.gil;

/**
 * Python's {@code KeyboardInterrupt}: SIGINT (Ctrl-C) delivered as an exception to the main thread
 * of a runtime built with {@link GilRuntime.Builder#keyboardInterrupt(boolean)}. Thrown in that
 * thread at its next checkpoint or when its current blocking section ends. Catch it to stop
 * cleanly.
 */
public final class KeyboardInterruptException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which runtime's main thread got it
   */
  public KeyboardInterruptException(String message) {
    super(message);
  }

  /**
   * @param message which runtime's main thread got it
   * @param cause the underlying failure
   */
  public KeyboardInterruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
