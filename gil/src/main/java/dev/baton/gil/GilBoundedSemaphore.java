package dev.baton.gil;

import dev.baton.core.BatonMisuseException;

/**
 * Python's {@code threading.BoundedSemaphore}, GIL-aware: a {@link GilSemaphore} whose value may
 * never rise above its initial value, which catches a release without a matching acquire.
 *
 * <p>Threading contract: as {@link GilSemaphore}.
 *
 * <p>Misuse: a release that would raise the value above the initial value throws {@link
 * BatonMisuseException} and releases nothing, whichever thread calls it.
 */
public final class GilBoundedSemaphore extends GilSemaphore {

  /** Creates a bounded semaphore with one permit, as Python's {@code BoundedSemaphore()} does. */
  public GilBoundedSemaphore() {
    this(1);
  }

  /**
   * Creates a bounded semaphore with {@code value} permits, which is also its bound.
   *
   * @param value the initial and maximal number of permits; zero or positive
   * @throws IllegalArgumentException if {@code value} is negative
   */
  public GilBoundedSemaphore(int value) {
    super(value, value);
  }

  /**
   * @return the most permits this semaphore can hold: its initial value
   */
  public int maxPermits() {
    return bound();
  }
}
