package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;

/**
 * A blocking wait (such as {@link Future#get()}) was attempted on the loop's own thread or inside
 * one of its tasks, where it would stall every task of the loop, or deadlock waiting for a result
 * only the loop can produce. Like Netty's {@code BlockingOperationException}.
 */
public final class BlockingOperationException extends BatonMisuseException {
  private static final long serialVersionUID = 1L;

  BlockingOperationException(String message) {
    super(message);
  }
}
