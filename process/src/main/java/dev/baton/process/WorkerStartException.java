package dev.baton.process;

/**
 * A worker could not start: the java executable or class path is wrong, a JVM option is invalid,
 * the initializer threw, or it did not report ready within the start-up timeout (for a cluster
 * pool: the cluster could not be reached, or its members did not come in time). Thrown by a pool
 * builder's {@code build()}; once a pool has given up replacing its workers, also by submission and
 * by the futures of the tasks it could no longer run.
 */
public final class WorkerStartException extends ProcessPoolException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message why the worker did not start, with the tail of its stderr
   */
  public WorkerStartException(String message) {
    super(message);
  }

  /**
   * @param message why the worker did not start, with the tail of its stderr
   * @param cause the underlying failure
   */
  public WorkerStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
