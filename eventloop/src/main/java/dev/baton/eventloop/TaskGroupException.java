package dev.baton.eventloop;

import java.util.List;

/**
 * The failures of a {@link TaskGroup}, all of them (Python's {@code ExceptionGroup}): the first is
 * the cause, every one is in {@link #exceptions()} and attached as suppressed.
 */
public final class TaskGroupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Throwable> exceptions;

  TaskGroupException(String task, List<Throwable> exceptions) {
    super(
        "task group of \"" + task + "\" failed with " + exceptions.size() + " exception(s)",
        exceptions.get(0));
    this.exceptions = List.copyOf(exceptions);
    for (Throwable t : this.exceptions) {
      addSuppressed(t);
    }
  }

  /**
   * @return every failure, the body's first, then the children's in the order they failed
   */
  public List<Throwable> exceptions() {
    return exceptions;
  }
}
