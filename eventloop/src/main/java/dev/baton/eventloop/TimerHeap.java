package dev.baton.eventloop;

import java.util.Arrays;

/**
 * The loop's timers: a binary min-heap ordered by (deadline, schedule order), with lazy
 * cancellation.
 *
 * <p>A cancelled timer stays in the heap and is skipped when it reaches the top. When cancelled
 * entries are more than half of the heap (and at least {@value #COMPACT_MIN}), the heap is
 * compacted: cancelled entries are dropped and the rest re-heapified in O(n), so a program that
 * schedules and cancels many timeouts keeps the heap bounded by twice its live timers.
 *
 * <p>Threading: confined to the loop thread.
 */
final class TimerHeap {
  static final int COMPACT_MIN = 64;

  private TimerHandle[] heap = new TimerHandle[16];
  private int size;

  /** Cancelled entries still in the heap. */
  private int cancelledCount;

  int size() {
    return size;
  }

  /**
   * @return live (not cancelled) timers
   */
  int liveSize() {
    return size - cancelledCount;
  }

  void add(TimerHandle t) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size << 1);
    }
    heap[size] = t;
    t.index = size;
    siftUp(size++);
  }

  /** A timer still in the heap was cancelled. */
  void cancelled() {
    cancelledCount++;
    if (cancelledCount >= COMPACT_MIN && cancelledCount > size >>> 1) {
      compact();
    }
  }

  /**
   * Drops cancelled entries from the top.
   *
   * @return the earliest live timer, or null
   */
  TimerHandle peekLive() {
    while (size > 0 && heap[0].cancelled) {
      removeTop();
      cancelledCount--;
    }
    return size == 0 ? null : heap[0];
  }

  /**
   * @return the earliest live timer, removed from the heap; null when none is live
   */
  TimerHandle pollLive() {
    TimerHandle top = peekLive();
    if (top != null) {
      removeTop();
    }
    return top;
  }

  /** Drops every timer; each reports {@link TimerHandle#isCancelled()} from then on. */
  void clear() {
    for (int i = 0; i < size; i++) {
      heap[i].cancelled = true;
      heap[i].index = -1;
      heap[i] = null;
    }
    size = 0;
    cancelledCount = 0;
  }

  private void removeTop() {
    TimerHandle top = heap[0];
    top.index = -1;
    TimerHandle last = heap[--size];
    heap[size] = null;
    if (size > 0) {
      heap[0] = last;
      last.index = 0;
      siftDown(0);
    }
  }

  private void compact() {
    int n = 0;
    for (int i = 0; i < size; i++) {
      TimerHandle t = heap[i];
      if (t.cancelled) {
        t.index = -1;
      } else {
        heap[n++] = t;
      }
    }
    Arrays.fill(heap, n, size, null);
    size = n;
    cancelledCount = 0;
    for (int i = 0; i < n; i++) {
      heap[i].index = i;
    }
    for (int i = (n >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
  }

  private static boolean less(TimerHandle a, TimerHandle b) {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
  }

  private void siftUp(int i) {
    TimerHandle t = heap[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      TimerHandle p = heap[parent];
      if (!less(t, p)) {
        break;
      }
      heap[i] = p;
      p.index = i;
      i = parent;
    }
    heap[i] = t;
    t.index = i;
  }

  private void siftDown(int i) {
    TimerHandle t = heap[i];
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && less(heap[right], heap[child])) {
        child = right;
      }
      if (!less(heap[child], t)) {
        break;
      }
      heap[i] = heap[child];
      heap[i].index = i;
      i = child;
    }
    heap[i] = t;
    t.index = i;
  }
}
