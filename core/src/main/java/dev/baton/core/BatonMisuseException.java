package dev.baton.core;

/**
 * The runtime was used in a way its contract forbids. Thrown, before anything changes, for:
 *
 * <ul>
 *   <li>touching guarded objects without their {@link Guard} (for a GIL runtime: without its GIL);
 *   <li>releasing, checking or passing a checkpoint of a GIL one does not hold, or acquiring a GIL
 *       one already holds;
 *   <li>releasing a GIL-aware lock one may not release, or waiting on or signalling a condition
 *       without its lock; releasing a bounded semaphore past its bound; {@code taskDone()} called
 *       more times than items were put;
 *   <li>storing an object of one object space in a container of another;
 *   <li>enabling tracing while a trace session is open;
 *   <li>a loop-only call from another thread, an await outside a task, a future in the wrong state;
 *   <li>the object model's memory errors, reported with the subclass {@link
 *       dev.baton.core.object.UseAfterFreeException}.
 * </ul>
 *
 * <p>The message says what was done, by which thread, and what to do instead. Misuse is a
 * programming error, hence an unchecked {@link IllegalStateException}; it is one type, not one per
 * kind, because no caller recovers from one kind differently than from another. Work offered to a
 * closed runtime, pool or loop is not misuse but a rejection: {@link
 * java.util.concurrent.RejectedExecutionException}.
 */
public class BatonMisuseException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what was done, by which thread, and what to do instead
   */
  public BatonMisuseException(String message) {
    super(message);
  }

  /**
   * @param message what was done, by which thread, and what to do instead
   * @param cause the underlying failure
   */
  public BatonMisuseException(String message, Throwable cause) {
    super(message, cause);
  }
}
