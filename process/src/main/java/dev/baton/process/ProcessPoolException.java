package dev.baton.process;

/**
 * The base of the failures that belong to a pool of workers, thrown by a blocking call or carried
 * by a task's future: {@link RemoteTaskException} (the task threw), {@link WorkerCrashedException}
 * (its worker died), {@link TaskSerializationException} (it could not cross to or from the worker)
 * and {@link WorkerStartException} (no worker could start). Thrown as itself when a worker answers
 * with something the pool cannot read, or a cluster pool finds no member to run queued tasks. Under
 * {@link PoolException}, the root of every pool's failures.
 */
public class ProcessPoolException extends PoolException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, in which pool and worker, and what to do
   */
  public ProcessPoolException(String message) {
    super(message);
  }

  /**
   * @param message what failed, in which pool and worker, and what to do
   * @param cause the underlying failure
   */
  public ProcessPoolException(String message, Throwable cause) {
    super(message, cause);
  }
}
