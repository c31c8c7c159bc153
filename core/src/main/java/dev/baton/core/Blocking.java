package dev.baton.core;

import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.Tracer;
import java.util.Objects;

/**
 * The release-on-I/O contract: every blocking wait in Baton runs inside {@link
 * #call(BlockingCallable)} or {@link #run(BlockingRunnable)}.
 *
 * <p>With no handler installed on the current thread the action just runs. With one installed (a
 * GIL runtime installs one on each of its threads) the handler's {@link BlockingHandler#enter()}
 * runs first and its {@link BlockingHandler#exit()} after, however the action ends. This is
 * CPython's {@code Py_BEGIN_ALLOW_THREADS} / {@code Py_END_ALLOW_THREADS}, offered to every module
 * so that the event loop and the process pool release a GIL without depending on the gil module.
 *
 * <h2>Nesting</h2>
 *
 * <ul>
 *   <li>Handlers form a per-thread stack: {@link #install(BlockingHandler)} pushes one and the
 *       returned {@link Registration} pops it; only the top one is used.
 *   <li>A blocking section inside another one of the same handler does not call the handler again
 *       (the GIL is already released). A handler installed inside a blocking section starts with no
 *       section open, so a blocking call under it does call it.
 * </ul>
 *
 * <h2>Exceptions</h2>
 *
 * <p>The action's exceptions, checked or not, pass through unchanged, and so does the thread's
 * interrupt status. An exception from {@code exit()} after a failed action is added to the action's
 * exception as suppressed; after a successful action it propagates.
 *
 * <h2>Tracing</h2>
 *
 * <p>While {@link Tracer} is enabled, the action's run is recorded as a {@link
 * SpanState#WAITING_FOR_IO} span of the current thread (with a handler: between {@code enter()} and
 * {@code exit()}).
 *
 * <p>Threading: all state is confined to the calling thread.
 */
public final class Blocking {

  /** Top of the calling thread's handler stack, or null. Confined to its thread. */
  private static final ThreadLocal<Frame> TOP = new ThreadLocal<>();

  private Blocking() {}

  /**
   * Runs a blocking action with a result inside a blocking section of the current thread's handler,
   * if any.
   *
   * @param action the blocking action
   * @param <T> the result type
   * @param <E> the action's checked exception type
   * @return the action's result
   * @throws E whatever the action throws, unchanged
   * @throws NullPointerException if {@code action} is null
   */
  public static <T, E extends Exception> T call(BlockingCallable<T, E> action) throws E {
    Objects.requireNonNull(action, "action");
    Frame frame = TOP.get();
    if (frame == null || frame.depth > 0) {
      long t0 = Tracer.now();
      try {
        return action.call();
      } finally {
        Tracer.span(SpanState.WAITING_FOR_IO, t0);
      }
    }
    frame.handler.enter();
    frame.depth++;
    T result;
    long t0 = Tracer.now();
    try {
      result = action.call();
    } catch (Throwable failure) {
      Tracer.span(SpanState.WAITING_FOR_IO, t0);
      frame.depth--;
      try {
        frame.handler.exit();
      } catch (Throwable exitFailure) {
        failure.addSuppressed(exitFailure);
      }
      throw failure;
    }
    Tracer.span(SpanState.WAITING_FOR_IO, t0);
    frame.depth--;
    frame.handler.exit();
    return result;
  }

  /**
   * Runs a blocking action with no result inside a blocking section of the current thread's
   * handler, if any.
   *
   * @param action the blocking action
   * @param <E> the action's checked exception type
   * @throws E whatever the action throws, unchanged
   * @throws NullPointerException if {@code action} is null
   */
  public static <E extends Exception> void run(BlockingRunnable<E> action) throws E {
    Objects.requireNonNull(action, "action");
    call(
        () -> {
          action.run();
          return null;
        });
  }

  /**
   * Installs {@code handler} for the current thread until the returned registration is closed.
   *
   * @param handler what to do around blocking actions on this thread
   * @return the registration; close it on the same thread, in reverse order of installation
   * @throws NullPointerException if {@code handler} is null
   */
  public static Registration install(BlockingHandler handler) {
    Objects.requireNonNull(handler, "handler");
    Frame frame = new Frame(handler, TOP.get(), Thread.currentThread());
    TOP.set(frame);
    return frame;
  }

  /**
   * @return the handler blocking calls on this thread would use now, or null when none is installed
   */
  public static BlockingHandler currentHandler() {
    Frame frame = TOP.get();
    return frame == null ? null : frame.handler;
  }

  /**
   * @return whether the current thread is inside a blocking section of its current handler
   */
  public static boolean inBlockingSection() {
    Frame frame = TOP.get();
    return frame != null && frame.depth > 0;
  }

  /** An installed handler; closing it uninstalls it. */
  public interface Registration extends AutoCloseable {
    /**
     * Uninstalls the handler, restoring the one installed before it.
     *
     * @throws BatonMisuseException if called from another thread, twice, or while a handler
     *     installed after this one is still installed
     */
    @Override
    void close();
  }

  private static final class Frame implements Registration {
    final BlockingHandler handler;
    final Frame previous;
    final Thread owner;

    /** Open blocking sections of this frame; confined to {@link #owner}. */
    int depth;

    boolean closed;

    Frame(BlockingHandler handler, Frame previous, Thread owner) {
      this.handler = handler;
      this.previous = previous;
      this.owner = owner;
    }

    @Override
    public void close() {
      Thread current = Thread.currentThread();
      if (current != owner) {
        throw new BatonMisuseException(
            "thread \""
                + current.getName()
                + "\" closed a blocking handler installed by thread \""
                + owner.getName()
                + "\"; close it on the thread that installed it");
      }
      if (closed) {
        throw new BatonMisuseException(
            "blocking handler " + handler + " was already uninstalled on this thread");
      }
      if (TOP.get() != this) {
        throw new BatonMisuseException(
            "blocking handler "
                + handler
                + " closed out of order: close the handlers installed after it first");
      }
      closed = true;
      if (previous == null) {
        TOP.remove();
      } else {
        TOP.set(previous);
      }
    }
  }
}
