package dev.baton.eventloop;

import dev.baton.core.BatonMisuseException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * A FIFO queue between tasks of one loop (asyncio's {@code Queue}), bounded or not: {@link #put}
 * suspends while it is full, {@link #take} while it is empty. Method names and return conventions
 * are {@link java.util.concurrent.BlockingQueue}'s, with suspension in place of blocking; each
 * method's Javadoc gives the asyncio name.
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
  private final Waiters joiners = new Waiters();

  /** Items put and not yet matched by {@link #taskDone()}. Loop thread only. */
  private long unfinished;

  /** Creates an unbounded queue. */
  public AsyncQueue() {
    this(0);
  }

  /**
   * @param capacity maximum number of items; 0 for unbounded (Python: {@code maxsize})
   * @throws IllegalArgumentException if {@code capacity} is negative
   */
  public AsyncQueue(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException(
          "capacity must be zero (unbounded) or positive, got " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Adds {@code item}, suspending the current task while the queue is full. Python: {@code await
   * queue.put(item)}.
   *
   * @param item the item, not null
   * @throws CancellationException if the task is cancelled while it waits (the item is not added)
   * @throws BatonMisuseException outside a task
   */
  public void put(T item) {
    Objects.requireNonNull(item, "item");
    putters.bind("AsyncQueue.put");
    while (isFull()) {
      Future<Void> f = putters.enqueue();
      try {
        Tasks.await(f);
      } catch (CancellationException e) {
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
   * Adds {@code item} without waiting. Python: {@code put_nowait}, which raises {@code QueueFull}
   * where this returns false.
   *
   * @param item the item, not null
   * @return false if the queue is full
   */
  public boolean offer(T item) {
    Objects.requireNonNull(item, "item");
    if (isFull()) {
      return false;
    }
    items.add(item);
    unfinished++;
    getters.wakeFirst();
    return true;
  }

  /**
   * Removes the oldest item, suspending the current task while the queue is empty. Python: {@code
   * await queue.get()}.
   *
   * @return the item
   * @throws CancellationException if the task is cancelled while it waits (nothing is removed)
   * @throws BatonMisuseException outside a task
   */
  public T take() {
    getters.bind("AsyncQueue.take");
    while (items.isEmpty()) {
      Future<Void> f = getters.enqueue();
      try {
        Tasks.await(f);
      } catch (CancellationException e) {
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
   * Removes the oldest item without waiting. Python: {@code get_nowait}, which raises {@code
   * QueueEmpty} where this returns null.
   *
   * @return the oldest item, or null when empty
   */
  public T poll() {
    T item = items.poll();
    if (item != null) {
      putters.wakeFirst();
    }
    return item;
  }

  /**
   * Marks one item taken from the queue as processed, waking the {@link #join()} callers when none
   * is left unfinished. Python: {@code task_done}.
   *
   * @throws BatonMisuseException if called more times than items were put
   */
  public void taskDone() {
    if (unfinished == 0) {
      throw new BatonMisuseException(
          "thread \""
              + Thread.currentThread().getName()
              + "\" called AsyncQueue.taskDone more times than items were put; call it once per"
              + " item taken, after processing it");
    }
    if (--unfinished == 0) {
      joiners.wakeAll();
    }
  }

  /**
   * Suspends the current task until every item ever put has been matched by a {@link #taskDone()}.
   * Python: {@code await queue.join()}.
   *
   * @throws CancellationException if the task is cancelled while it waits
   * @throws BatonMisuseException outside a task
   */
  public void join() {
    joiners.bind("AsyncQueue.join");
    while (unfinished > 0) {
      Future<Void> f = joiners.enqueue();
      try {
        Tasks.await(f);
      } finally {
        joiners.remove(f);
      }
    }
  }

  /**
   * @return the number of items (Python: {@code qsize()})
   */
  public int size() {
    return items.size();
  }

  /**
   * @return whether it holds no item (Python: {@code empty()})
   */
  public boolean isEmpty() {
    return items.isEmpty();
  }

  /**
   * @return whether it is bounded and at capacity (Python: {@code full()})
   */
  public boolean isFull() {
    return capacity > 0 && items.size() >= capacity;
  }

  /**
   * @return the most items it holds, or 0 when unbounded (Python: {@code maxsize})
   */
  public int capacity() {
    return capacity;
  }

  @Override
  public String toString() {
    return "AsyncQueue[" + items.size() + (capacity > 0 ? "/" + capacity : "") + " items]";
  }
}
