package dev.baton.process;

/**
 * The root of the failures of a pool of workers, whatever the workers are: what a {@link Pool}'s
 * blocking call throws, or a task's future carries, when the failure is the pool's rather than the
 * JDK's ({@link java.util.concurrent.TimeoutException}, {@link
 * java.util.concurrent.RejectedExecutionException}, {@link
 * java.util.concurrent.CancellationException}). Catch it to handle every pool's failures alike; the
 * process pool's are {@link ProcessPoolException} and its subclasses, {@link
 * WorkerCrashedException} among them, which a cluster pool's lost member extends.
 */
public class PoolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, in which pool and worker, and what to do
   */
  public PoolException(String message) {
    super(message);
  }

  /**
   * @param message what failed, in which pool and worker, and what to do
   * @param cause the underlying failure
   */
  public PoolException(String message, Throwable cause) {
    super(message, cause);
  }
}
