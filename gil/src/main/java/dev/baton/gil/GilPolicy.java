package dev.baton.gil;

/**
 * How a {@link Gil} chooses its next holder. Each protocol's design is written in the block comment
 * of the class that implements it ({@code CpythonSync}, {@code FairSync}).
 */
public enum GilPolicy {
  /**
   * CPython's {@code Python/ceval_gil.c} (3.2 and later): a waiter sleeps on a condition for one
   * switch interval, then sets the drop request; the holder drops at its next checkpoint and waits
   * until some other thread has taken the GIL (forced switching); which waiter takes it is the
   * operating system's choice. A holder that releases the GIL while threads wait (for I/O) goes on
   * once one of them has it, so a thread coming back from I/O waits like any other, up to a whole
   * interval behind a CPU-bound holder: this policy reproduces the convoy effect, for teaching and
   * comparison.
   */
  CPYTHON,

  /**
   * The default: first-in first-out hand-off. The releaser hands the GIL to the longest-waiting
   * thread directly, so no thread can barge in; a thread coming back from a blocking section queues
   * ahead of CPU-bound waiters and asks for the GIL at once, so it gets it at the holder's next
   * checkpoint; a holder that has held the GIL one interval while others wait always yields.
   * Neither I/O-bound nor CPU-bound threads starve, and the convoy effect is gone.
   */
  FAIR
}
