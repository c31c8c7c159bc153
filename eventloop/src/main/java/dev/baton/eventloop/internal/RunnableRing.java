package dev.baton.eventloop.internal;

import java.util.Arrays;

/**
 * The loop's ready queue: a growable circular array of callbacks, FIFO.
 *
 * <p>Threading: confined to the loop thread. {@link #offer} allocates only when the ring grows
 * (capacity doubles, never shrinks), so a steady stream of callbacks allocates nothing.
 */
public final class RunnableRing {
  private Runnable[] items;

  /** Index of the oldest item; {@code mask} applied. */
  private int head;

  private int size;

  /**
   * @param initialCapacity rounded up to a power of two
   */
  public RunnableRing(int initialCapacity) {
    int capacity = Integer.highestOneBit(Math.max(2, initialCapacity) - 1) << 1;
    items = new Runnable[capacity];
  }

  /**
   * @param r the callback, never null
   */
  public void offer(Runnable r) {
    Runnable[] a = items;
    if (size == a.length) {
      a = grow();
    }
    a[(head + size) & (a.length - 1)] = r;
    size++;
  }

  /**
   * @return the oldest callback, or null when empty
   */
  public Runnable poll() {
    if (size == 0) {
      return null;
    }
    Runnable[] a = items;
    Runnable r = a[head];
    a[head] = null;
    head = (head + 1) & (a.length - 1);
    size--;
    return r;
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /** Drops every callback. */
  public void clear() {
    Arrays.fill(items, null);
    head = 0;
    size = 0;
  }

  private Runnable[] grow() {
    Runnable[] old = items;
    Runnable[] a = new Runnable[old.length << 1];
    int firstPart = old.length - head;
    System.arraycopy(old, head, a, 0, firstPart);
    System.arraycopy(old, 0, a, firstPart, head);
    head = 0;
    items = a;
    return a;
  }
}
