package dev.baton.eventloop;

import java.util.ArrayDeque;

/**
 * A FIFO queue between tasks of one loop (asyncio's {@code Queue}), bounded or not: {@link #put}
 * suspends while it is full, {@link #get} while it is empty.
 *
 * <p>Threading: loop-only; bound to the loop of the first task that waits on it. For items coming
 * from other threads, use {@code loop.callSoonThreadSafe(() -> queue.offer(item))}.
 *
 * @param <T> the item type
 */
public final class AsyncQueue<T> {
  private final int capacity;
  private final ArrayDeque<T> items = new ArrayDeque<>();
  private final Waiters getters = new Waiters();
  private final Waiters putters = new Waiters();

  /** Creates an unbounded queue. */
  public AsyncQueue() {
    this(0);
  }

  /**
   * @param capacity maximum number of items; 0 for unbounded
   */
  public AsyncQueue(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException(
          "capacity must be zero (unbounded) or positive, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Adds {@code item}, suspending the current task while the queue is full.
   *
   * @param item the item, not null
   */
  public void put(T item) {
    java.util.Objects.requireNonNull(item, "item");
    putters.bind("AsyncQueue.put");
    while (isFull()) {
      Future<Void> f = putters.enqueue();
      try {
        Tasks.await(f);
      } catch (CancelledException e) {
        putters.remove(f);
        if (!isFull() && !f.isCancelled() && !f.pendingPlain()) {
          putters.wakeFirst(); // we were woken but leave: pass the turn on
        }
        throw e;
      }
    }
    offer(item);
  }

  /**
   * Adds {@code item} without waiting.
   *
   * @param item the item, not null
   * @return false if the queue is full
   */
  public boolean offer(T item) {
    java.util.Objects.requireNonNull(item, "item");
    if (isFull()) {
      return false;
    }
    items.add(item);
    getters.wakeFirst();
    return true;
  }

  /**
   * Removes the oldest item, suspending the current task while the queue is empty.
   *
   * @return the item
   */
  public T get() {
    getters.bind("AsyncQueue.get");
    while (items.isEmpty()) {
      Future<Void> f = getters.enqueue();
      try {
        Tasks.await(f);
      } catch (CancelledException e) {
        getters.remove(f);
        if (!items.isEmpty() && !f.isCancelled() && !f.pendingPlain()) {
          getters.wakeFirst();
        }
        throw e;
      }
    }
    return poll();
  }

  /**
   * @return the oldest item, or null when empty, without waiting
   */
  public T poll() {
    T item = items.poll();
    if (item != null) {
      putters.wakeFirst();
    }
    return item;
  }

  /**
   * @return the number of items
   */
  public int size() {
    return items.size();
  }

  /**
   * @return whether it holds no item
   */
  public boolean isEmpty() {
    return items.isEmpty();
  }

  /**
   * @return whether it is bounded and at capacity
   */
  public boolean isFull() {
    return capacity > 0 && items.size() >= capacity;
  }
}
