package dev.baton.eventloop;

/**
 * Not thrown: carries the stack of the thread that blocks a loop in the watchdog's warning, the way
 * Vert.x's blocked-thread checker reports it.
 */
final class BlockedLoopException extends Exception {
  private static final long serialVersionUID = 1L;

  BlockedLoopException(String message) {
    super(message, null, false, true);
  }
}
