package dev.baton.eventloop.internal;

/**
 * The stack a task's sequential code runs on, and the hand-off between it and the loop.
 *
 * <p>Protocol: the loop calls {@link #resume()}, which returns when the task's code calls {@link
 * #suspend()} (from inside the task) or its body returns. Exactly one side runs at a time: the
 * baton. Each call to {@code resume} is one <em>step</em> of the task.
 */
public interface Strand {

  /** Loop side: runs the task until it suspends or its body ends. */
  void resume();

  /** Task side: gives the baton back to the loop; returns at the next {@link #resume()}. */
  void suspend();

  /**
   * @return the thread the task's code runs on during a step (the loop's own thread for
   *     continuations)
   */
  Thread taskThread();
}
