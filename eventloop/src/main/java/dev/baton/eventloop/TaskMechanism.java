package dev.baton.eventloop;

import dev.baton.eventloop.internal.ContinuationStrand;

/**
 * How tasks get their own stack. Both give the same semantics (one task runs at a time, switches
 * only at an await); they differ in speed and in what the JVM must allow.
 */
public enum TaskMechanism {
  /**
   * Portable: each task runs on a virtual thread and passes a baton with the loop. {@link
   * EventLoop#run} runs the loop itself on a virtual thread, so a switch is a virtual-to-virtual
   * hand-off.
   */
  VIRTUAL_THREADS,

  /**
   * Each task is a {@code jdk.internal.vm.Continuation} run on the loop's own thread: the fastest
   * switch. Needs {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}.
   */
  CONTINUATIONS;

  /**
   * @return whether this JVM allows the mechanism
   */
  public boolean isAvailable() {
    return this == VIRTUAL_THREADS || ContinuationStrand.AVAILABLE;
  }

  /**
   * The mechanism new loops use unless told otherwise: the system property {@code
   * baton.eventloop.tasks} ({@code virtual} or {@code continuation}) if set, else {@link
   * #CONTINUATIONS} when available, else {@link #VIRTUAL_THREADS}.
   *
   * @return the default mechanism
   */
  public static TaskMechanism defaultMechanism() {
    String chosen = System.getProperty("baton.eventloop.tasks", "");
    if (chosen.equalsIgnoreCase("virtual")) {
      return VIRTUAL_THREADS;
    }
    return ContinuationStrand.AVAILABLE ? CONTINUATIONS : VIRTUAL_THREADS;
  }

  void requireAvailable() {
    if (!isAvailable()) {
      throw new IllegalArgumentException(
          "mechanism " + this + " is not available: " + ContinuationStrand.UNAVAILABLE_REASON);
    }
  }
}
