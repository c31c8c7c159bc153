package dev.baton.eventloop.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * The fast mechanism: each task is a {@code jdk.internal.vm.Continuation} run on the loop's own
 * thread; a step is {@code Continuation.run()}, an await is {@code Continuation.yield()} (about 100
 * ns for the pair). Available only when the JVM runs with {@code --add-exports
 * java.base/jdk.internal.vm=ALL-UNNAMED} (or exports the package to this module); {@link
 * #AVAILABLE} says so, detected once, by reflection, without failing when it is not.
 *
 * <p>A task cannot suspend while the continuation is pinned (inside a native frame, or, on JDKs
 * before 24, while holding a monitor): {@link #suspend()} then throws {@link
 * IllegalStateException}.
 */
public final class ContinuationStrand implements Strand {

  /** Whether the JVM lets this class use continuations. */
  public static final boolean AVAILABLE;

  /** Why {@link #AVAILABLE} is false, for error messages; null when it is true. */
  public static final String UNAVAILABLE_REASON;

  private static final Object SCOPE;
  private static final MethodHandle NEW; // (Object scope, Runnable) -> Object
  private static final MethodHandle RUN; // (Object) -> void
  private static final MethodHandle YIELD; // (Object scope) -> boolean
  private static final MethodHandle IS_DONE; // (Object) -> boolean

  static {
    Object scope = null;
    MethodHandle newCont = null;
    MethodHandle run = null;
    MethodHandle yield = null;
    MethodHandle isDone = null;
    String reason = null;
    try {
      Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
      Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
      Module base = Object.class.getModule();
      Module me = ContinuationStrand.class.getModule();
      if (!base.isExported("jdk.internal.vm", me)) {
        reason =
            "java.base does not export jdk.internal.vm to "
                + (me.isNamed() ? me.getName() : "the unnamed module")
                + "; run the JVM with --add-exports java.base/jdk.internal.vm="
                + (me.isNamed() ? me.getName() : "ALL-UNNAMED");
      } else {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        scope =
            lookup
                .findConstructor(scopeClass, MethodType.methodType(void.class, String.class))
                .invoke("baton-task");
        newCont =
            lookup
                .findConstructor(
                    contClass, MethodType.methodType(void.class, scopeClass, Runnable.class))
                .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
        run =
            lookup
                .findVirtual(contClass, "run", MethodType.methodType(void.class))
                .asType(MethodType.methodType(void.class, Object.class));
        yield =
            lookup
                .findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass))
                .asType(MethodType.methodType(boolean.class, Object.class));
        isDone =
            lookup
                .findVirtual(contClass, "isDone", MethodType.methodType(boolean.class))
                .asType(MethodType.methodType(boolean.class, Object.class));
      }
    } catch (Throwable e) {
      reason = "jdk.internal.vm.Continuation is not usable on this JVM: " + e;
      scope = null;
    }
    AVAILABLE = reason == null;
    UNAVAILABLE_REASON = reason;
    SCOPE = scope;
    NEW = newCont;
    RUN = run;
    YIELD = yield;
    IS_DONE = isDone;
  }

  private final Object continuation;

  /** The loop's thread during the current step. */
  private Thread carrier;

  /**
   * @param body the task's code
   * @throws IllegalStateException if continuations are not available
   */
  public ContinuationStrand(Runnable body) {
    if (!AVAILABLE) {
      throw new IllegalStateException(UNAVAILABLE_REASON);
    }
    try {
      continuation = (Object) NEW.invokeExact(SCOPE, body);
    } catch (Throwable e) {
      throw new IllegalStateException("cannot create a continuation", e);
    }
  }

  @Override
  public void resume() {
    carrier = Thread.currentThread();
    try {
      RUN.invokeExact(continuation);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void suspend() {
    boolean yielded;
    try {
      yielded = (boolean) YIELD.invokeExact(SCOPE);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
    if (!yielded) {
      throw new IllegalStateException("the task's continuation could not yield (pinned)");
    }
  }

  @Override
  public Thread taskThread() {
    return carrier;
  }

  /**
   * @return whether the body has returned
   */
  public boolean isDone() {
    try {
      return (boolean) IS_DONE.invokeExact(continuation);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }
}
