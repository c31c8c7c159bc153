package dev.baton.process;

import java.time.Duration;

/** A task ran longer than the pool's task timeout: its worker was killed and replaced. */
public class TaskTimeoutException extends ProcessPoolException {
  private static final long serialVersionUID = 1L;

  private final transient Duration timeout;

  /**
   * @param message what timed out, where
   * @param timeout the limit that was exceeded
   */
  public TaskTimeoutException(String message, Duration timeout) {
    super(message);
    this.timeout = timeout;
  }

  /**
   * @return the limit that was exceeded
   */
  public Duration timeout() {
    return timeout;
  }
}
