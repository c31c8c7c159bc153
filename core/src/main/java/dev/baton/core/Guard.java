package dev.baton.core;

/**
 * May the current thread touch the objects guarded by this guard?
 *
 * <p>The object model calls {@link #check()} before each operation on a guarded object. The GIL
 * implements this interface: the thread that holds the GIL may touch its runtime's objects and
 * every other thread may not. A free-threaded runtime uses {@link #none()}, which allows every
 * thread, and switches the object model to atomic or biased reference counts.
 *
 * <p>Implementations must make {@link #isHeldByCurrentThread()} cheap (a field read): it sits on
 * the object model's hot path.
 */
public interface Guard {

  /**
   * @return whether the calling thread may touch objects guarded by this guard now
   */
  boolean isHeldByCurrentThread();

  /**
   * @return a short name for messages, e.g. the runtime's name
   */
  String name();

  /**
   * Throws unless the calling thread may touch the guarded objects.
   *
   * @throws BatonMisuseException naming the thread and this guard, when it may not
   */
  default void check() {
    if (!isHeldByCurrentThread()) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" touched objects guarded by \""
              + name()
              + "\" without holding it; touch them only where the guard allows (on the thread"
              + " that owns it, or holding what it stands for)");
    }
  }

  /**
   * The ownership test of {@link #check()} and nothing else, for the object model's reference-count
   * operations. Like CPython's {@code Py_INCREF}, an incref or decref sits inside an operation and
   * is never a point where a GIL changes hands: a GIL implements this without the checkpoint its
   * {@link #check()} includes, as one read that the compiler may schedule with the count's own load
   * and store. The default is {@link #check()}.
   *
   * @throws BatonMisuseException naming the thread and this guard, when it may not
   */
  default void checkOwner() {
    check();
  }

  /**
   * A guard that allows every thread: for free-threaded use, where the object model's own
   * reference-count strategy (atomic or biased) must make concurrent use safe.
   *
   * @return the shared always-allowing guard
   */
  static Guard none() {
    return NoGuard.INSTANCE;
  }

  /**
   * A guard held by exactly one thread, fixed at construction: for tests and for single-threaded
   * embeddings that want misuse from other threads reported.
   *
   * @param owner the only thread allowed
   * @param name the guard's name for messages
   * @return the guard
   * @throws NullPointerException if an argument is null
   */
  static Guard ownedBy(Thread owner, String name) {
    return new OwnerThreadGuard(owner, name);
  }
}
