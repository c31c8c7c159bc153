package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Python's {@code queue.Queue}, GIL-aware: a FIFO queue between threads, optionally bounded, with
 * task accounting ({@link #taskDone()}, {@link #join()}).
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Any number of producers and consumers. Every put, offer, take, poll, {@code taskDone} and
 *       join is a GIL checkpoint on entry (the snapshots {@code size}, {@code isEmpty}, {@code
 *       isFull} are not).
 *   <li>A {@code put} that finds room and a {@code take} that finds an item complete without
 *       releasing the GIL; only a call that must wait runs its wait inside a {@link Blocking}
 *       section (the GIL is released just for the wait).
 *   <li>The same design as CPython's {@code queue.py}: one JDK {@link ReentrantLock} guarding the
 *       items and the unfinished-task count, with three conditions (not empty, not full, all tasks
 *       done). The lock is held only for a few steps and never while waiting for the GIL.
 *   <li>Interrupts: the blocking forms check the interrupt status on entry and while waiting and
 *       throw {@link InterruptedException} having changed nothing.
 *   <li>Null items are rejected ({@link NullPointerException}).
 * </ul>
 *
 * <h2>Names</h2>
 *
 * <p>Methods are named, and return, as {@link java.util.concurrent.BlockingQueue}'s: {@code put}
 * and {@code take} wait as long as it takes; {@code offer} and {@code poll} give up (at once, or
 * after their timeout) and say so with false or null where Python raises {@code queue.Full} or
 * {@code queue.Empty}. Each method's Javadoc gives the Python name.
 *
 * <h2>Misuse</h2>
 *
 * <p>{@link #taskDone()} called more times than items were put throws {@link BatonMisuseException}.
 *
 * <pre>{@code
 * GilQueue<String> jobs = new GilQueue<>(16);
 * jobs.put("job-1");          // there is room: returns at once, the GIL is kept
 * String job = jobs.take();   // on an empty queue this would release the GIL while it waits
 * handle(job);
 * jobs.taskDone();
 * jobs.join();                // every job put is done: returns at once
 * }</pre>
 *
 * @param <E> the item type
 */
public final class GilQueue<E> {

  private final int capacity;
  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition notEmpty = mutex.newCondition();
  private final Condition notFull = mutex.newCondition();
  private final Condition allTasksDone = mutex.newCondition();

  /** Guarded by {@link #mutex}. */
  private final ArrayDeque<E> items = new ArrayDeque<>();

  /** Items put and not yet matched by {@link #taskDone()}; guarded by {@link #mutex}. */
  private long unfinishedTasks;

  /** Creates an unbounded queue. */
  public GilQueue() {
    this(0);
  }

  /**
   * Creates a queue holding at most {@code capacity} items; zero means unbounded, as in Python.
   *
   * @param capacity the bound; zero (unbounded) or positive (Python: {@code maxsize})
   * @throws IllegalArgumentException if {@code capacity} is negative
   */
  public GilQueue(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException(
          "capacity must be zero (unbounded) or positive, was " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Adds {@code item}, waiting as long as it takes for room. Python: {@code queue.put(item)}.
   *
   * @param item the item; not null
   * @throws InterruptedException if interrupted on entry or while waiting; the item is not added
   * @throws NullPointerException if {@code item} is null
   */
  public void put(E item) throws InterruptedException {
    Objects.requireNonNull(item, "item");
    Waits.checkpoint();
    Waits.checkInterrupt();
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.waitUntil(this, () -> offerNow(item), -1);
      scheduler.signal(this);
    } else if (!offerNow(item)) {
      Blocking.call(() -> offerWaiting(item, Long.MAX_VALUE));
    }
  }

  /**
   * Adds {@code item} only if there is room now; never releases the GIL. Python: {@code
   * queue.put_nowait(item)}, which raises {@code queue.Full} where this returns false.
   *
   * @param item the item; not null
   * @return whether the item was added
   * @throws NullPointerException if {@code item} is null
   */
  public boolean offer(E item) {
    Objects.requireNonNull(item, "item");
    Waits.checkpoint();
    return signalled(offerNow(item));
  }

  /**
   * Adds {@code item}, waiting at most {@code timeout} for room. A zero timeout does not wait.
   * Python: {@code queue.put(item, timeout=...)}, which raises {@code queue.Full} where this
   * returns false.
   *
   * @param item the item; not null
   * @param timeout how long to wait at most; zero or positive
   * @return whether the item was added; false if there was no room within the timeout
   * @throws InterruptedException if interrupted on entry or while waiting; the item is not added
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if an argument is null
   */
  public boolean offer(E item, Duration timeout) throws InterruptedException {
    Objects.requireNonNull(item, "item");
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (offerNow(item)) {
      return signalled(true);
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null && nanos > 0) {
      return signalled(scheduler.waitUntil(this, () -> offerNow(item), nanos));
    }
    return nanos > 0 && Blocking.call(() -> offerWaiting(item, nanos));
  }

  /**
   * Removes and returns the oldest item, waiting as long as it takes for one. Python: {@code
   * queue.get()}.
   *
   * @return the item
   * @throws InterruptedException if interrupted on entry or while waiting; nothing is removed
   */
  public E take() throws InterruptedException {
    Waits.checkpoint();
    Waits.checkInterrupt();
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      List<E> got = new ArrayList<>(1);
      scheduler.waitUntil(this, () -> took(got), -1);
      scheduler.signal(this);
      return got.get(0);
    }
    E item = pollNow();
    return item != null ? item : Blocking.call(() -> pollWaiting(Long.MAX_VALUE));
  }

  /**
   * Removes and returns the oldest item only if there is one now; never releases the GIL. Python:
   * {@code queue.get_nowait()}, which raises {@code queue.Empty} where this returns null.
   *
   * @return the item, or null if the queue is empty
   */
  public E poll() {
    Waits.checkpoint();
    E item = pollNow();
    signalled(item != null);
    return item;
  }

  /**
   * Removes and returns the oldest item, waiting at most {@code timeout} for one. A zero timeout
   * does not wait. Python: {@code queue.get(timeout=...)}, which raises {@code queue.Empty} where
   * this returns null.
   *
   * @param timeout how long to wait at most; zero or positive
   * @return the item, or null if none came within the timeout
   * @throws InterruptedException if interrupted on entry or while waiting; nothing is removed
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  public E poll(Duration timeout) throws InterruptedException {
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      List<E> got = new ArrayList<>(1);
      if (took(got) || (nanos > 0 && scheduler.waitUntil(this, () -> took(got), nanos))) {
        scheduler.signal(this);
        return got.get(0);
      }
      return null;
    }
    E item = pollNow();
    if (item == null && nanos > 0) {
      item = Blocking.call(() -> pollWaiting(nanos));
    }
    return item;
  }

  /**
   * Marks one item taken from this queue as processed, waking {@link #join()} callers when none is
   * left unfinished. Python: {@code queue.task_done()}.
   *
   * @throws BatonMisuseException if called more times than items were put
   */
  public void taskDone() {
    Waits.checkpoint();
    mutex.lock();
    try {
      if (unfinishedTasks == 0) {
        throw new BatonMisuseException(
            Waits.currentThreadName()
                + " called taskDone() on "
                + this
                + " more times than items were put; call it once per item taken, after"
                + " processing it");
      }
      if (--unfinishedTasks == 0) {
        allTasksDone.signalAll();
      }
    } finally {
      mutex.unlock();
    }
    signalled(true);
  }

  /**
   * Waits until every item ever put has been matched by a {@link #taskDone()}. Python: {@code
   * queue.join()}.
   *
   * @throws InterruptedException if interrupted on entry or while waiting
   */
  public void join() throws InterruptedException {
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (!allDoneNow()) {
      DeterministicSync scheduler = DeterministicSync.current();
      if (scheduler != null) {
        scheduler.waitUntil(this, this::allDoneNow, -1);
        return;
      }
      Blocking.call(() -> awaitAllDone(Long.MAX_VALUE));
    }
  }

  /**
   * Waits at most {@code timeout} until every item ever put has been matched by a {@link
   * #taskDone()}. (Python's {@code join} has no timeout; this one is for callers that must not wait
   * forever.)
   *
   * @param timeout how long to wait at most; zero or positive
   * @return true if all tasks are done, false if the timeout passed first
   * @throws InterruptedException if interrupted on entry or while waiting
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  public boolean join(Duration timeout) throws InterruptedException {
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (allDoneNow()) {
      return true;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      return nanos > 0 && scheduler.waitUntil(this, this::allDoneNow, nanos);
    }
    return nanos > 0 && Blocking.call(() -> awaitAllDone(nanos));
  }

  /**
   * @return the number of items in the queue now (a snapshot). Python: {@code queue.qsize()}
   */
  public int size() {
    mutex.lock();
    try {
      return items.size();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * @return whether the queue holds no item now (a snapshot). Python: {@code queue.empty()}
   */
  public boolean isEmpty() {
    return size() == 0;
  }

  /**
   * @return whether a bounded queue is at its bound now (a snapshot); never true when unbounded.
   *     Python: {@code queue.full()}
   */
  public boolean isFull() {
    return capacity > 0 && size() >= capacity;
  }

  /**
   * @return the bound given at construction; zero means unbounded. Python: {@code queue.maxsize}
   */
  public int capacity() {
    return capacity;
  }

  /**
   * Under a schedule, the queue's waits are the schedule's (DeterministicSync.waitUntil, keyed on
   * this queue): a change that may let one go on signals them, after the queue's mutex is released
   * (the schedule's mutex is taken before the queue's when a waiter re-checks).
   *
   * @return {@code changed}
   */
  private boolean signalled(boolean changed) {
    if (changed) {
      DeterministicSync scheduler = DeterministicSync.current();
      if (scheduler != null) {
        scheduler.signal(this);
      }
    }
    return changed;
  }

  /** Takes the oldest item into {@code got} if there is one; for the scheduled waits. */
  private boolean took(List<E> got) {
    E item = pollNow();
    if (item == null) {
      return false;
    }
    got.add(item);
    return true;
  }

  private boolean hasRoom() {
    return capacity == 0 || items.size() < capacity;
  }

  /** Adds the item if there is room, without waiting. */
  private boolean offerNow(E item) {
    mutex.lock();
    try {
      if (!hasRoom()) {
        return false;
      }
      enqueue(item);
      return true;
    } finally {
      mutex.unlock();
    }
  }

  /** Runs in a blocking section; {@code Long.MAX_VALUE} nanoseconds means no bound. */
  private boolean offerWaiting(E item, long nanos) throws InterruptedException {
    mutex.lockInterruptibly();
    try {
      long remaining = nanos;
      while (!hasRoom()) {
        if (remaining <= 0) {
          return false;
        }
        remaining = Waits.await(notFull, remaining);
      }
      enqueue(item);
      return true;
    } finally {
      mutex.unlock();
    }
  }

  private void enqueue(E item) {
    items.addLast(item);
    unfinishedTasks++;
    notEmpty.signal();
  }

  /** Removes the oldest item if any, without waiting; null when empty. */
  private E pollNow() {
    mutex.lock();
    try {
      return items.isEmpty() ? null : dequeue();
    } finally {
      mutex.unlock();
    }
  }

  /** Runs in a blocking section; returns null on timeout. */
  private E pollWaiting(long nanos) throws InterruptedException {
    mutex.lockInterruptibly();
    try {
      long remaining = nanos;
      while (items.isEmpty()) {
        if (remaining <= 0) {
          return null;
        }
        remaining = Waits.await(notEmpty, remaining);
      }
      return dequeue();
    } finally {
      mutex.unlock();
    }
  }

  private E dequeue() {
    E item = items.removeFirst();
    notFull.signal();
    return item;
  }

  private boolean allDoneNow() {
    mutex.lock();
    try {
      return unfinishedTasks == 0;
    } finally {
      mutex.unlock();
    }
  }

  /** Runs in a blocking section. */
  private boolean awaitAllDone(long nanos) throws InterruptedException {
    mutex.lockInterruptibly();
    try {
      long remaining = nanos;
      while (unfinishedTasks != 0) {
        if (remaining <= 0) {
          return false;
        }
        remaining = Waits.await(allTasksDone, remaining);
      }
      return true;
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public String toString() {
    return Waits.identity(this) + (capacity == 0 ? "[unbounded]" : "[capacity=" + capacity + "]");
  }
}
