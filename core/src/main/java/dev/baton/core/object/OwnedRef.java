package dev.baton.core.object;

import java.util.Objects;

/**
 * One owned reference to an object, given back when closed: reference counting with
 * try-with-resources.
 *
 * <pre>{@code
 * try (OwnedRef<RcList> list = OwnedRef.steal(space.newList())) {
 *   list.get().append(item);
 * } // decref'd here, however the block ends
 * }</pre>
 *
 * <p>Threading: as the object's; close it on a thread that may touch the object. Closing is
 * idempotent: only the first close gives the reference back.
 *
 * @param <T> the object's type
 */
public final class OwnedRef<T extends RcObject> implements AutoCloseable {

  /** The object while this handle owns a reference to it, then null. */
  private T object;

  private OwnedRef(T object) {
    this.object = object;
  }

  /**
   * Takes over a reference the caller already owns (a new object, or one it incref'd); the count
   * does not change.
   *
   * @param object the object
   * @param <T> its type
   * @return the handle
   * @throws NullPointerException if {@code object} is null
   */
  public static <T extends RcObject> OwnedRef<T> steal(T object) {
    return new OwnedRef<>(Objects.requireNonNull(object, "object"));
  }

  /**
   * Takes a new reference to {@code object} (incref) for the handle.
   *
   * @param object the object, for example a borrowed element of a list
   * @param <T> its type
   * @return the handle
   * @throws NullPointerException if {@code object} is null
   * @throws UseAfterFreeException if {@code object} was deallocated
   */
  public static <T extends RcObject> OwnedRef<T> newRef(T object) {
    Objects.requireNonNull(object, "object").incref();
    return new OwnedRef<>(object);
  }

  /**
   * @return the object; valid while this handle is open
   * @throws UseAfterFreeException if the handle was closed
   */
  public T get() {
    T current = object;
    if (current == null) {
      throw new UseAfterFreeException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" used an OwnedRef after closing it; its reference was already given back:"
              + " use the object only inside the try-with-resources block");
    }
    return current;
  }

  /**
   * @return whether the handle still owns its reference
   */
  public boolean isOpen() {
    return object != null;
  }

  /** Gives the reference back (decref), once; later calls do nothing. */
  @Override
  public void close() {
    T current = object;
    if (current != null) {
      object = null;
      current.decref();
    }
  }

  @Override
  public String toString() {
    T current = object;
    return current == null ? "OwnedRef[closed]" : "OwnedRef[" + current + "]";
  }
}
