package dev.baton.core.trace;

import dev.baton.core.BatonMisuseException;

/** {@link Tracer#enable()} was called while a {@link TraceSession} was still open. */
public final class TracingAlreadyEnabledException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  TracingAlreadyEnabledException(String message) {
    super(message);
  }
}
