package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;

/**
 * A suspending call ({@link Tasks#await} and everything built on it) was made outside a task: in a
 * plain callback, or on a thread that runs no loop. Only a task has a stack to suspend.
 */
public final class AwaitOutsideTaskException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  AwaitOutsideTaskException(String message) {
    super(message);
  }
}
