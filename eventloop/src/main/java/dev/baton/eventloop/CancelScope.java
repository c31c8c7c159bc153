package dev.baton.eventloop;

import java.util.concurrent.CancellationException;

/**
 * A region of a task that can be cancelled as a whole (Trio's cancel scope). Once cancelled it
 * stays cancelled: every await inside it throws {@link CancellationException} until the region
 * exits, so code that swallows one cancellation cannot make a timeout hang. Loop thread only.
 */
final class CancelScope {
  final Task<?> task;
  final CancelScope parent;
  boolean cancelled;
  String message;

  CancelScope(Task<?> task) {
    this.task = task;
    this.parent = task.scope;
  }

  /** Cancels the scope and delivers a cancellation at the task's current await. */
  void cancel(String why) {
    if (cancelled) {
      return;
    }
    cancelled = true;
    message = why;
    task.cancel(why);
  }
}
