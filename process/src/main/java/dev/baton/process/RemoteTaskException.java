package dev.baton.process;

/**
 * A task threw in its worker. The message names the remote exception's class and message, {@link
 * #remoteStackTrace()} holds its stack trace as the worker printed it, and {@link #getCause()} is
 * the original exception when it could be deserialized through the pool's allow-list (null
 * otherwise).
 */
public class RemoteTaskException extends ProcessPoolException {
  private static final long serialVersionUID = 1L;

  private final String remoteClassName;
  private final String remoteMessage;
  private final String remoteStackTrace;

  /**
   * @param message the summary
   * @param remoteClassName the class of the exception the task threw
   * @param remoteMessage its message, possibly null
   * @param remoteStackTrace its stack trace as printed in the worker
   * @param cause the deserialized original exception, or null
   */
  public RemoteTaskException(
      String message,
      String remoteClassName,
      String remoteMessage,
      String remoteStackTrace,
      Throwable cause) {
    super(message, cause);
    this.remoteClassName = remoteClassName;
    this.remoteMessage = remoteMessage;
    this.remoteStackTrace = remoteStackTrace;
  }

  /**
   * @return the class name of the exception the task threw
   */
  public String remoteClassName() {
    return remoteClassName;
  }

  /**
   * @return its message, possibly null
   */
  public String remoteMessage() {
    return remoteMessage;
  }

  /**
   * @return its stack trace, printed in the worker (causes and suppressed exceptions included)
   */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }
}
