package dev.baton.process;

import java.io.Serializable;

/**
 * A task for a {@link ProcessPool}: a serializable computation that runs in a worker JVM. A lambda
 * works when everything it captures is serializable; a class works when its instances are and its
 * name is on the pool's allow-list ({@link ProcessPool.Builder#allowClasses(String...)}).
 *
 * @param <T> the result type; the result travels back to the parent through the pool's codec
 */
@FunctionalInterface
public interface PoolTask<T> extends Serializable {
  /**
   * Runs in a worker.
   *
   * @return the result
   * @throws Exception reaches the caller as a {@link RemoteTaskException}
   */
  T call() throws Exception;
}
