package dev.baton.core;

/**
 * A blocking action with no result; its checked exception type passes through {@link
 * Blocking#run(BlockingRunnable)} unchanged.
 *
 * @param <E> the checked exception the action may throw
 */
@FunctionalInterface
public interface BlockingRunnable<E extends Exception> {
  /**
   * @throws E as the action decides
   */
  void run() throws E;
}
