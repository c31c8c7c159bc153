package dev.baton.gil;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.ArrayDeque;
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
 *   <li>Any number of producers and consumers. Every put, get, {@code taskDone} and join is a GIL
 *       checkpoint on entry (the snapshots {@code qsize}, {@code isEmpty}, {@code isFull} are not).
 *   <li>A {@code put} that finds room and a {@code get} that finds an item complete without
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
 * <h2>Empty and full</h2>
 *
 * <p>A {@code get} or {@code put} that gives up (no wait allowed, or its timeout passed) throws the
 * checked {@link QueueEmptyException} or {@link QueueFullException}, as Python raises {@code
 * queue.Empty} and {@code queue.Full}: an expected outcome the caller must handle, not a misuse.
 *
 * <h2>Misuse</h2>
 *
 * <p>{@link #taskDone()} called more times than items were put throws {@link BatonMisuseException}.
 *
 * <pre>{@code
 * GilQueue<String> jobs = new GilQueue<>(16);
 * jobs.put("job-1");          // there is room: returns at once, the GIL is kept
 * String job = jobs.get();    // on an empty queue this would release the GIL while it waits
 * handle(job);
 * jobs.taskDone();
 * jobs.join();                // every job put is done: returns at once
 * }</pre>
 *
 * @param <E> the item type
 */
public final class GilQueue<E> {

  private final int maxsize;
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
   * Creates a queue holding at most {@code maxsize} items; zero means unbounded, as in Python.
   *
   * @param maxsize the bound; zero (unbounded) or positive
   * @throws IllegalArgumentException if {@code maxsize} is negative
   */
  public GilQueue(int maxsize) {
    if (maxsize < 0) {
      throw new IllegalArgumentException(
          "maxsize must be zero (unbounded) or positive, was " + maxsize);
    }
    this.maxsize = maxsize;
  }

  /**
   * Adds {@code item}, waiting as long as it takes for room.
   *
   * @param item the item; not null
   * @throws InterruptedException if interrupted on entry or while waiting; the item is not added
   * @throws NullPointerException if {@code item} is null
   */
  public void put(E item) throws InterruptedException {
    Objects.requireNonNull(item, "item");
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (!offerNow(item)) {
      Blocking.call(() -> offerWaiting(item, Long.MAX_VALUE));
    }
  }

  /**
   * Adds {@code item}, waiting at most {@code timeout} for room. A zero timeout does not wait.
   *
   * @param item the item; not null
   * @param timeout how long to wait at most; zero or positive
   * @throws QueueFullException if there was no room within the timeout; the item is not added
   * @throws InterruptedException if interrupted on entry or while waiting; the item is not added
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if an argument is null
   */
  public void put(E item, Duration timeout) throws InterruptedException, QueueFullException {
    Objects.requireNonNull(item, "item");
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (offerNow(item)) {
      return;
    }
    if (nanos == 0 || !Blocking.call(() -> offerWaiting(item, nanos))) {
      throw new QueueFullException(
          "no room in " + this + " within " + timeout + " for " + Waits.currentThreadName());
    }
  }

  /**
   * Adds {@code item} only if there is room now; never releases the GIL. Python's {@code
   * put_nowait}.
   *
   * @param item the item; not null
   * @throws QueueFullException if the queue is full
   * @throws NullPointerException if {@code item} is null
   */
  public void putNowait(E item) throws QueueFullException {
    Objects.requireNonNull(item, "item");
    Waits.checkpoint();
    if (!offerNow(item)) {
      throw new QueueFullException(this + " is full");
    }
  }

  /**
   * Removes and returns the oldest item, waiting as long as it takes for one.
   *
   * @return the item
   * @throws InterruptedException if interrupted on entry or while waiting; nothing is removed
   */
  public E get() throws InterruptedException {
    Waits.checkpoint();
    Waits.checkInterrupt();
    E item = pollNow();
    return item != null ? item : Blocking.call(() -> pollWaiting(Long.MAX_VALUE));
  }

  /**
   * Removes and returns the oldest item, waiting at most {@code timeout} for one. A zero timeout
   * does not wait.
   *
   * @param timeout how long to wait at most; zero or positive
   * @return the item
   * @throws QueueEmptyException if no item came within the timeout
   * @throws InterruptedException if interrupted on entry or while waiting; nothing is removed
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  public E get(Duration timeout) throws InterruptedException, QueueEmptyException {
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    E item = pollNow();
    if (item == null && nanos > 0) {
      item = Blocking.call(() -> pollWaiting(nanos));
    }
    if (item == null) {
      throw new QueueEmptyException(
          "no item in " + this + " within " + timeout + " for " + Waits.currentThreadName());
    }
    return item;
  }

  /**
   * Removes and returns the oldest item only if there is one now; never releases the GIL. Python's
   * {@code get_nowait}.
   *
   * @return the item
   * @throws QueueEmptyException if the queue is empty
   */
  public E getNowait() throws QueueEmptyException {
    Waits.checkpoint();
    E item = pollNow();
    if (item == null) {
      throw new QueueEmptyException(this + " is empty");
    }
    return item;
  }

  /**
   * Marks one item got from this queue as processed, waking {@link #join()} callers when none is
   * left unfinished.
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
                + " more times than items were put; call it once per item got, after"
                + " processing it");
      }
      if (--unfinishedTasks == 0) {
        allTasksDone.signalAll();
      }
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Waits until every item ever put has been matched by a {@link #taskDone()}.
   *
   * @throws InterruptedException if interrupted on entry or while waiting
   */
  public void join() throws InterruptedException {
    Waits.checkpoint();
    Waits.checkInterrupt();
    if (!allDoneNow()) {
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
    return nanos > 0 && Blocking.call(() -> awaitAllDone(nanos));
  }

  /**
   * @return the number of items in the queue now (a snapshot): Python's {@code qsize()}
   */
  public int qsize() {
    mutex.lock();
    try {
      return items.size();
    } finally {
      mutex.unlock();
    }
  }

  /**
   * @return whether the queue holds no item now (a snapshot)
   */
  public boolean isEmpty() {
    return qsize() == 0;
  }

  /**
   * @return whether a bounded queue is at its bound now (a snapshot); never true when unbounded
   */
  public boolean isFull() {
    return maxsize > 0 && qsize() >= maxsize;
  }

  /**
   * @return the bound given at construction; zero means unbounded
   */
  public int maxsize() {
    return maxsize;
  }

  private boolean hasRoom() {
    return maxsize == 0 || items.size() < maxsize;
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
    return Waits.identity(this) + (maxsize == 0 ? "[unbounded]" : "[maxsize=" + maxsize + "]");
  }
}
