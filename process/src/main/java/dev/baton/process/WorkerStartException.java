package dev.baton.process;

/**
 * A worker JVM could not start: the java executable or class path is wrong, a JVM option is
 * invalid, the initializer threw, or it did not report ready within the start-up timeout.
 */
public class WorkerStartException extends ProcessPoolException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message why the worker did not start, with the tail of its stderr
   */
  public WorkerStartException(String message) {
    super(message);
  }
}
