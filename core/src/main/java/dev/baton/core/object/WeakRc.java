package dev.baton.core.object;

import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A weak reference to a reference-counted object (CPython's {@code weakref.ref}): it does not count
 * as a reference, and it is cleared when the object is deallocated, after which its callback runs
 * once with this weak reference.
 *
 * <p>Threading: as the referent's; the callback runs on the thread that deallocates the referent.
 * Callback exceptions are logged and ignored, as CPython does.
 *
 * @param <T> the referent's type
 */
public final class WeakRc<T extends RcObject> {

  private static final Logger LOG = LoggerFactory.getLogger(WeakRc.class);

  /** The referent until it is deallocated, then null; written by the deallocating thread. */
  private volatile T referent;

  /** Run once when the referent is deallocated; null for none. */
  private final Consumer<? super WeakRc<T>> callback;

  private final String description;

  private WeakRc(T referent, Consumer<? super WeakRc<T>> callback) {
    this.referent = referent;
    this.callback = callback;
    this.description = referent.toString();
  }

  /**
   * @param referent the object to refer to weakly
   * @param callback run once with this weak reference when the referent is deallocated, or null
   * @param <T> the referent's type
   * @return the weak reference; a weak reference to an immortal is never cleared
   * @throws NullPointerException if {@code referent} is null
   * @throws UseAfterFreeException if {@code referent} was deallocated
   */
  public static <T extends RcObject> WeakRc<T> of(
      T referent, Consumer<? super WeakRc<T>> callback) {
    Objects.requireNonNull(referent, "referent").checkAccess("weakref");
    WeakRc<T> ref = new WeakRc<>(referent, callback);
    if (!referent.isImmortal()) {
      referent.addWeakref(ref);
    }
    return ref;
  }

  /**
   * @return the referent, borrowed (incref it to keep it), or null once it was deallocated
   */
  public T get() {
    T current = referent;
    if (current != null) {
      current.guard.check();
    }
    return current;
  }

  /** Detaches this weak reference from its referent without running the callback. */
  public void clear() {
    T current = referent;
    if (current != null) {
      current.removeWeakref(this);
      referent = null;
    }
  }

  /** The referent is being deallocated. */
  void referentDied() {
    referent = null;
    if (callback != null) {
      try {
        callback.accept(this);
      } catch (RuntimeException e) {
        LOG.warn("Exception ignored in the callback of a weak reference to {}", description, e);
      }
    }
  }

  @Override
  public String toString() {
    return "WeakRc[" + description + (referent == null ? ", dead]" : "]");
  }
}
