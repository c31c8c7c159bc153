package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;

/**
 * A future was used in a state that forbids it: its result read before it is done, or a result set
 * twice. asyncio's {@code InvalidStateError}.
 */
public final class InvalidStateException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  InvalidStateException(String message) {
    super(message);
  }
}
