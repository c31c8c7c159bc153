package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;

/** The loop was used in a state that forbids it: closed, already running, or not running. */
public final class EventLoopStateException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  EventLoopStateException(String message) {
    super(message);
  }
}
