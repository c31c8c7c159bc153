package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;

/**
 * A loop-only method was called from a thread that is not running the loop (nor one of its tasks).
 * Checked always, not only in a debug mode.
 */
public final class NotOnLoopThreadException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  NotOnLoopThreadException(String message) {
    super(message);
  }
}
