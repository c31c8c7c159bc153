package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;

/**
 * A callback scheduled by {@link EventLoop#callLater} or {@link EventLoop#callAt}; {@link
 * #cancel()} keeps it from running.
 *
 * <p>Threading: loop-only, like asyncio's {@code TimerHandle}. To cancel from another thread, use
 * {@code loop.callSoonThreadSafe(handle::cancel)}.
 */
public final class TimerHandle {
  final EventLoop loop;
  final long deadline;

  /** Schedule order, to keep timers with equal deadlines FIFO. */
  final long seq;

  final Runnable callback;

  /** Written and read on the loop thread only. */
  boolean cancelled;

  /** Position in the heap while scheduled, -1 once popped or dropped. Loop thread only. */
  int index = -1;

  TimerHandle(EventLoop loop, long deadline, long seq, Runnable callback) {
    this.loop = loop;
    this.deadline = deadline;
    this.seq = seq;
    this.callback = callback;
  }

  /**
   * Cancels the callback if it has not run yet; does nothing otherwise. Cancellation is lazy: the
   * entry stays in the loop's heap until it reaches the top or the heap is compacted.
   *
   * @throws BatonMisuseException if called from a thread other than the loop's
   */
  public void cancel() {
    loop.checkLoopThread("TimerHandle.cancel");
    if (!cancelled) {
      cancelled = true;
      if (index >= 0) {
        loop.timers.cancelled();
      }
    }
  }

  /**
   * @return whether {@link #cancel()} was called
   */
  public boolean isCancelled() {
    return cancelled;
  }

  /**
   * @return the deadline on the loop's clock ({@link EventLoop#time()}), in nanoseconds
   */
  public long when() {
    return deadline;
  }

  @Override
  public String toString() {
    return "TimerHandle[" + LoopDiagnostics.describe(callback) + (cancelled ? ", cancelled]" : "]");
  }
}
