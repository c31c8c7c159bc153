package dev.baton.eventloop;

/**
 * The loop's timers (Netty's {@code AbstractScheduledEventExecutor}): scheduling, the timers due in
 * a pass, the time to the next one, and their end at close. Loop thread only. A pass runs the
 * timers due at its start and scheduled before it looked at them ({@link #seqLimit}), so a timer
 * that schedules another due at once cannot keep the pass going.
 */
final class LoopTimers {
  private final TimerHeap heap = new TimerHeap();

  /** Schedule order of timers: ties between equal deadlines run in this order. */
  private long seq;

  /**
   * @return timers in the heap, cancelled ones not yet removed included
   */
  int size() {
    return heap.size();
  }

  /**
   * @return timers in the heap not cancelled
   */
  int liveSize() {
    return heap.liveSize();
  }

  TimerHandle schedule(EventLoop loop, long deadline, Runnable callback) {
    TimerHandle t = new TimerHandle(loop, deadline, seq++, callback);
    heap.add(t);
    return t;
  }

  /** A timer of this heap was cancelled. */
  void cancelled() {
    heap.cancelled();
  }

  /**
   * @return the bound a pass gives {@link #pollDue}: timers scheduled from now on wait for the next
   *     pass
   */
  long seqLimit() {
    return seq;
  }

  /**
   * @param now the loop's clock at the pass's start
   * @param seqLimit from {@link #seqLimit()}
   * @return the next timer due at {@code now} and scheduled before {@code seqLimit}, removed; or
   *     null
   */
  TimerHandle pollDue(long now, long seqLimit) {
    TimerHandle t = heap.peekLive();
    if (t != null && t.deadline <= now && t.seq < seqLimit) {
      heap.pollLive();
      return t;
    }
    return null;
  }

  /**
   * @param now the loop's clock
   * @return ns until the next live timer is due, 0 if it is due, -1 if there is none
   */
  long nanosToNext(long now) {
    TimerHandle next = heap.peekLive();
    return next == null ? -1 : Math.max(0, next.deadline - now);
  }

  /** Drops every timer (close); their handles then report {@link TimerHandle#isCancelled()}. */
  void clear() {
    heap.clear();
  }
}
