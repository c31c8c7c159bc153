package dev.baton.process;

import java.time.Duration;

/**
 * A task ran longer than the pool's task timeout, or missed the deadline its caller gave ({@code
 * submit(task, timeout)}, {@code map(..., timeout)}, {@code imap(..., timeout)}): the worker
 * running it, if any, was killed and replaced.
 */
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
