package dev.baton.process;

/** A task or a pool failed for a reason that belongs to the process pool. */
public class ProcessPoolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   */
  public ProcessPoolException(String message) {
    super(message);
  }

  /**
   * @param message what failed
   * @param cause the underlying failure
   */
  public ProcessPoolException(String message, Throwable cause) {
    super(message, cause);
  }
}
