package dev.baton.gil;

import java.time.Duration;
import java.util.List;

/**
 * A snapshot of one GIL's statistics since it was created, like CPython's {@code gil_load} tool
 * plus counters. Taken without stopping the threads, so the figures of a busy GIL are each exact
 * but not mutually consistent to the nanosecond.
 *
 * @param runtime the runtime's name
 * @param policy the GIL's policy
 * @param switchInterval the switch interval when the snapshot was taken
 * @param acquisitions tenures begun (every acquire, hand-off and re-take after a blocking section)
 * @param handOffs tenures begun by a direct hand-off from the previous holder ({@link
 *     GilPolicy#FAIR}) or by a waiter woken by the releaser ({@link GilPolicy#CPYTHON})
 * @param dropRequests drop requests set by waiters
 * @param forcedSwitches requested drops after which another thread took the GIL
 * @param watchdogWarnings holders found past the watchdog's threshold without a checkpoint while
 *     others waited (one per tenure)
 * @param recoveries GILs taken back from threads that ended while holding them
 * @param waits acquisitions that had to wait
 * @param waitP50 median wait of the acquisitions that had to wait (within 12.5%)
 * @param waitP99 99th percentile of those waits (within 12.5%)
 * @param waitMax longest of those waits (exact)
 * @param heldFraction fraction of the elapsed time during which some thread held the GIL; NaN
 *     unless the runtime was built with {@link GilRuntime.Builder#holdTiming(boolean)}
 * @param contendedFraction fraction of the elapsed time during which some thread waited for it
 * @param elapsed time since the GIL was created
 * @param holdTimed whether tenures were timed ({@link GilRuntime.Builder#holdTiming(boolean)}); if
 *     not, {@code heldFraction} is NaN and every thread's {@code held} is zero
 * @param threads per-thread totals, in order of each thread's first acquisition
 */
public record GilStats(
    String runtime,
    GilPolicy policy,
    Duration switchInterval,
    long acquisitions,
    long handOffs,
    long dropRequests,
    long forcedSwitches,
    long watchdogWarnings,
    long recoveries,
    long waits,
    Duration waitP50,
    Duration waitP99,
    Duration waitMax,
    double heldFraction,
    double contendedFraction,
    Duration elapsed,
    boolean holdTimed,
    List<ThreadTotals> threads) {

  /** Defensive copy of {@code threads}. */
  public GilStats {
    threads = List.copyOf(threads);
  }

  /**
   * One thread's totals on this GIL.
   *
   * @param thread the thread's name when it first took the GIL
   * @param threadId the thread's id
   * @param acquisitions tenures this thread began
   * @param held total time it held the GIL (zero unless tenures are timed)
   * @param waited total time it waited for the GIL
   */
  public record ThreadTotals(
      String thread, long threadId, long acquisitions, Duration held, Duration waited) {}
}
