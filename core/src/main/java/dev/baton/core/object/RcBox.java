package dev.baton.core.object;

import java.util.Objects;

/**
 * A reference-counted box around a Java value, with an optional close action that runs exactly
 * once, as soon as the last reference is given back: deterministic release of a file, a buffer or a
 * native handle, the reason to want reference counts on the JVM.
 *
 * <p>Threading: every operation checks the space's guard. The close action runs on the thread that
 * gives back the last reference (or runs the cycle collection that frees the box).
 *
 * @param <T> the value's type
 */
public final class RcBox<T> extends RcObject {

  /** Releases a box's value. */
  @FunctionalInterface
  public interface CloseAction<T> {
    /**
     * @param value the value being released
     * @throws Exception logged and ignored: deallocation cannot fail
     */
    void close(T value) throws Exception;
  }

  /** The value until deallocation, then null. Guarded. */
  private T value;

  /** Null when there is nothing to release. */
  private final CloseAction<? super T> closeAction;

  RcBox(ObjectSpace space, T value, CloseAction<? super T> closeAction) {
    super(requireValue(space, value), false);
    this.value = value;
    this.closeAction = closeAction;
  }

  /**
   * @return the value
   * @throws UseAfterFreeException if the box was deallocated (its value may be closed)
   */
  public T get() {
    checkAccess("get");
    return value;
  }

  /** Checks the value before the object is allocated, so a bad argument allocates nothing. */
  private static ObjectSpace requireValue(ObjectSpace space, Object value) {
    Objects.requireNonNull(value, "value");
    return space;
  }

  @Override
  protected void deallocate() {
    T released = value;
    value = null;
    if (closeAction != null) {
      try {
        closeAction.close(released);
      } catch (Exception e) {
        throw new IllegalStateException("close action of " + this + " failed", e);
      }
    }
  }

  @Override
  protected String typeName() {
    return "box";
  }
}
