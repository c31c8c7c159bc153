package dev.baton.core;

/**
 * A blocking action with a result; its checked exception type passes through {@link
 * Blocking#call(BlockingCallable)} unchanged.
 *
 * @param <T> the result type
 * @param <E> the checked exception the action may throw
 */
@FunctionalInterface
public interface BlockingCallable<T, E extends Exception> {
  /**
   * @return the action's result
   * @throws E as the action decides
   */
  T call() throws E;
}
