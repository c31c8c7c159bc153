package dev.baton.eventloop;

import java.util.List;

/**
 * Thrown by {@link TaskGroup#run} when its body or any of its children failed: all the failures
 * (Python's {@code ExceptionGroup}), the first as the cause, every one in {@link #exceptions()} and
 * attached as suppressed. Cancellations are not failures and are not in it.
 */
public final class TaskGroupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient List<Throwable> exceptions;

  /**
   * @param message what failed
   * @param exceptions the failures, at least one; the first becomes the cause
   * @throws IllegalArgumentException if {@code exceptions} is empty
   */
  public TaskGroupException(String message, List<? extends Throwable> exceptions) {
    super(message, first(exceptions));
    this.exceptions = List.copyOf(exceptions);
    for (Throwable t : this.exceptions) {
      addSuppressed(t);
    }
  }

  private static Throwable first(List<? extends Throwable> exceptions) {
    if (exceptions.isEmpty()) {
      throw new IllegalArgumentException("a task group exception needs at least one failure");
    }
    return exceptions.get(0);
  }

  /**
   * @return every failure, the body's first, then the children's in the order they failed
   */
  public List<Throwable> exceptions() {
    return exceptions;
  }
}
