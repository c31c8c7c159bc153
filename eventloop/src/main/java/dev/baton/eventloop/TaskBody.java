package dev.baton.eventloop;

/**
 * The sequential code of a task: it runs on the loop, one step at a time, and may suspend at each
 * {@link Tasks#await}.
 *
 * @param <T> the task's result type
 */
@FunctionalInterface
public interface TaskBody<T> {
  /**
   * @return the task's result
   * @throws Exception the task fails with it
   */
  T run() throws Exception;
}
