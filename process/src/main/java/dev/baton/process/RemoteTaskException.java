package dev.baton.process;

import dev.baton.process.internal.ThrowableText;

/**
 * A task threw in its worker; its future fails with this, and a blocking call throws it. The
 * message names the remote exception's class and message, {@link #remoteStackTrace()} holds its
 * stack trace as the worker printed it, and {@link #getCause()} is the original exception when it
 * could be deserialized through the pool's allow-list (null otherwise).
 *
 * <p>Any exception a task throws arrives as this, however deep or cyclic its causes: the stack
 * trace follows causes and suppressed exceptions 32 levels deep (at most 32 suppressed per
 * exception, 256 exceptions in all), marks what it cut ({@code [... cut: ...]}) and prints an
 * exception met twice as {@code [CIRCULAR REFERENCE: ...]}; the original travels only when it lies
 * within those bounds with no cycle.
 */
public final class RemoteTaskException extends ProcessPoolException {
  private static final long serialVersionUID = 1L;

  private final String remoteClassName;
  private final String remoteMessage;
  private final String remoteStackTrace;

  /**
   * A remote failure known only by its summary: the remote class, message and stack trace are
   * empty.
   *
   * @param message the summary
   */
  public RemoteTaskException(String message) {
    this(message, null);
  }

  /**
   * A remote failure whose exception is at hand: the remote class, message and stack trace are
   * {@code cause}'s.
   *
   * @param message the summary
   * @param cause the exception the task threw, or null
   */
  public RemoteTaskException(String message, Throwable cause) {
    this(
        message,
        cause == null ? "" : cause.getClass().getName(),
        cause == null ? null : ThrowableText.message(cause),
        cause == null ? "" : printed(cause),
        cause);
  }

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

  private static String printed(Throwable t) {
    return ThrowableText.print(t);
  }

  /**
   * @return the class name of the exception the task threw, empty when unknown
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
   * @return its stack trace, printed in the worker (causes and suppressed exceptions included),
   *     empty when unknown
   */
  public String remoteStackTrace() {
    return remoteStackTrace;
  }
}
