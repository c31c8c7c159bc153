package dev.baton.eventloop;

/** A {@link Tasks#timeout} or {@link Tasks#waitFor} deadline passed: asyncio's TimeoutError. */
public class TimeoutExpiredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which deadline
   * @param cause the cancellation that ended the limited code
   */
  public TimeoutExpiredException(String message, Throwable cause) {
    super(message, cause);
  }
}
