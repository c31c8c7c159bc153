package dev.baton.process;

import java.io.Serializable;

/** A serializable action with no result: a worker's initializer. */
@FunctionalInterface
public interface PoolRunnable extends Serializable {
  /**
   * Runs in a worker.
   *
   * @throws Exception makes the worker's start fail with a {@link WorkerStartException}
   */
  void run() throws Exception;
}
