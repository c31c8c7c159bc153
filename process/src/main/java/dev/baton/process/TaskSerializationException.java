package dev.baton.process;

/**
 * A task, an argument or a result could not cross the process boundary: it is not serializable, or
 * the receiving side's allow-list rejected one of its classes or limits. Thrown at submission, in
 * the caller's thread, for a task or an argument; a result that fails completes only its own task's
 * future with it.
 */
public final class TaskSerializationException extends ProcessPoolException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what could not be serialized or was rejected, and how to fix it
   */
  public TaskSerializationException(String message) {
    super(message);
  }

  /**
   * @param message what could not be serialized or was rejected, and how to fix it
   * @param cause the serialization failure
   */
  public TaskSerializationException(String message, Throwable cause) {
    super(message, cause);
  }
}
