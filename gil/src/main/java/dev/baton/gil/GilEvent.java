package dev.baton.gil;

import dev.baton.core.Blocking;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Python's {@code threading.Event}, GIL-aware: a flag that threads wait to see set. Python's {@code
 * wait} is {@link #await()} here (Java reserves {@code wait}).
 *
 * <h2>Threading contract</h2>
 *
 * <ul>
 *   <li>Any thread may {@link #set()}, {@link #clear()} or wait. Every method is a GIL checkpoint
 *       on entry.
 *   <li>A wait on a set event returns at once without releasing the GIL; otherwise the wait runs
 *       inside a {@link Blocking} section (the GIL is released just for the wait).
 *   <li>As in Python, a waiter woken by {@link #set()} returns true even if another thread has
 *       cleared the flag again before the waiter runs; here that holds for any {@code set()} after
 *       the wait began, even one that comes before the waiter is parked.
 *   <li>The internal JDK lock is held only for a few steps and never while waiting for the GIL.
 * </ul>
 *
 * <p>There is no misuse: every call is legal from any thread at any time.
 */
public final class GilEvent {

  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition changed = mutex.newCondition();

  /** Written under {@link #mutex}; read without it on the fast path (volatile). */
  private volatile boolean flag;

  /**
   * Incremented under {@link #mutex} by every {@link #set()} that sets the flag; read without it
   * (volatile) when a wait starts, before the flag, so a waiter that sees it move knows the event
   * was set after its wait began, even if cleared since.
   */
  private volatile long generation;

  /** Creates an event whose flag is clear. */
  public GilEvent() {}

  /**
   * @return whether the flag is set now (a snapshot). Python: {@code event.is_set()}
   */
  public boolean isSet() {
    Waits.checkpoint();
    return flag;
  }

  /** Sets the flag and wakes every waiter. Python: {@code event.set()}. */
  public void set() {
    Waits.checkpoint();
    mutex.lock();
    try {
      if (!flag) {
        flag = true;
        generation++;
        changed.signalAll();
      }
    } finally {
      mutex.unlock();
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.signal(this);
    }
  }

  /**
   * Clears the flag: later waits block until the next {@link #set()}. Python: {@code
   * event.clear()}.
   */
  public void clear() {
    Waits.checkpoint();
    mutex.lock();
    try {
      flag = false;
    } finally {
      mutex.unlock();
    }
  }

  /**
   * Waits until the flag is set. Python: {@code event.wait()}.
   *
   * @throws InterruptedException if interrupted on entry or while waiting
   */
  public void await() throws InterruptedException {
    Waits.checkpoint();
    Waits.checkInterrupt();
    long seen = generation;
    if (flag) {
      return;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      scheduler.waitUntil(this, () -> flag || generation != seen, -1);
      return;
    }
    Blocking.call(() -> awaitSet(seen, Long.MAX_VALUE));
  }

  /**
   * Waits until the flag is set or {@code timeout} has passed. A zero timeout only reads the flag.
   * Python: {@code event.wait(timeout)}.
   *
   * @param timeout how long to wait at most; zero or positive
   * @return true if the flag was set (or set and cleared again while this thread waited), false if
   *     the timeout passed first
   * @throws InterruptedException if interrupted on entry or while waiting
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws NullPointerException if {@code timeout} is null
   */
  public boolean await(Duration timeout) throws InterruptedException {
    long nanos = Waits.timeoutNanos(timeout);
    Waits.checkpoint();
    Waits.checkInterrupt();
    long seen = generation;
    if (flag) {
      return true;
    }
    if (nanos == 0) {
      return false;
    }
    DeterministicSync scheduler = DeterministicSync.current();
    if (scheduler != null) {
      return scheduler.waitUntil(this, () -> flag || generation != seen, nanos);
    }
    return Blocking.call(() -> awaitSet(seen, nanos));
  }

  /**
   * Runs in a blocking section; {@code seen} is the generation when the wait began, and {@code
   * Long.MAX_VALUE} nanoseconds means no bound.
   */
  private boolean awaitSet(long seen, long nanos) throws InterruptedException {
    mutex.lockInterruptibly();
    try {
      long remaining = nanos;
      while (!flag && generation == seen) {
        if (remaining <= 0) {
          return false;
        }
        remaining = Waits.await(changed, remaining);
      }
      return true;
    } finally {
      mutex.unlock();
    }
  }

  @Override
  public String toString() {
    return Waits.identity(this) + (flag ? "[set]" : "[clear]");
  }
}
