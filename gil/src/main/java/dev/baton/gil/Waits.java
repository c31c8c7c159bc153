package dev.baton.gil;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.Condition;

/**
 * What every GIL-aware primitive does on entry and with its arguments: the checkpoint, the timeout
 * rules, the interrupt check, and how a thread is named in misuse messages.
 */
final class Waits {

  private Waits() {}

  /**
   * The GIL checkpoint every GIL-aware call passes on entry: a drop requested by a waiter happens
   * here, as at any checkpoint; nothing when the caller holds no GIL.
   */
  static void checkpoint() {
    Gil.checkpointIfHeld();
  }

  /**
   * @param timeout a wait bound, zero meaning "do not wait"
   * @return the bound in nanoseconds, saturated at {@link Long#MAX_VALUE}
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  static long timeoutNanos(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must be zero or positive, was " + timeout);
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  /** Throws, clearing the flag, when the calling thread is interrupted. */
  static void checkInterrupt() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException(
          "thread \"" + Thread.currentThread().getName() + "\" was interrupted");
    }
  }

  /**
   * @return the calling thread, quoted, for misuse messages
   */
  static String currentThreadName() {
    return "thread \"" + Thread.currentThread().getName() + "\"";
  }

  /**
   * One step of a bounded or unbounded condition wait, for use in a loop that re-checks its state.
   *
   * @param condition the condition, whose lock the caller holds
   * @param remaining nanoseconds left, {@link Long#MAX_VALUE} meaning no bound
   * @return nanoseconds left after the step: {@link Long#MAX_VALUE} again when unbounded, zero or
   *     less when the bound has passed
   * @throws InterruptedException if interrupted while waiting
   */
  static long await(Condition condition, long remaining) throws InterruptedException {
    if (remaining == Long.MAX_VALUE) {
      condition.await();
      return Long.MAX_VALUE;
    }
    return condition.awaitNanos(remaining);
  }

  /**
   * @return {@code SimpleName@identity}, the prefix of every primitive's {@code toString}
   */
  static String identity(Object primitive) {
    return primitive.getClass().getSimpleName()
        + "@"
        + Integer.toHexString(System.identityHashCode(primitive));
  }
}
