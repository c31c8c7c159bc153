package dev.baton.gil;

import dev.baton.core.BatonMisuseException;

/**
 * A GIL-aware lock the caller has acquired, for try-with-resources: Python's {@code with lock:}.
 *
 * <pre>{@code
 * try (HeldLock held = lock.hold()) {
 *   // the lock is held here
 * }
 * }</pre>
 *
 * <p>The handle is the lock's own, allocated once with it: {@code hold()} allocates nothing.
 */
public interface HeldLock extends AutoCloseable {
  /**
   * Releases the lock, exactly as the lock's {@code unlock()} does.
   *
   * @throws BatonMisuseException as {@code unlock()} does
   */
  @Override
  void close();
}
