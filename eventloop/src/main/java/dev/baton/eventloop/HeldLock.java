package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;

/**
 * An {@link AsyncLock} the current task has taken, for try-with-resources: Python's {@code async
 * with lock:}; the twin of the gil module's {@code HeldLock}.
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
   * Unlocks the lock, exactly as {@link AsyncLock#unlock()} does.
   *
   * @throws BatonMisuseException as {@code unlock()} does
   */
  @Override
  void close();
}
