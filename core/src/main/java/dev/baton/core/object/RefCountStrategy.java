package dev.baton.core.object;

/**
 * How an {@link ObjectSpace} keeps its objects' reference counts: the talk's trade-off between one
 * global lock and making every count safe on its own.
 */
public enum RefCountStrategy {
  /**
   * One plain {@code int} per object, updated with ordinary reads and writes: CPython with its GIL.
   * The fastest, and correct only when one thread at a time touches the objects, which the space's
   * guard (the GIL) enforces. Without a serializing guard concurrent updates are lost.
   */
  PLAIN,

  /**
   * One count per object updated with an atomic get-and-add: the "lock every object" alternative.
   * Safe for any number of threads with no guard, at the price of an atomic instruction (and, when
   * threads share an object, a contended cache line) on every incref and decref.
   */
  ATOMIC,

  /**
   * Biased reference counting (PEP 703, after Choi, Shull and Torrellas, PACT 2018): the thread
   * that created an object updates a non-atomic local count; other threads add to a shared atomic
   * count. Safe for any number of threads with no guard, and nearly as fast as {@link #PLAIN} for
   * objects used mostly by the thread that made them. See the package documentation for the merge
   * protocol.
   */
  BIASED
}
