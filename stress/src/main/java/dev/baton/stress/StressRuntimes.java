package dev.baton.stress;

import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;

/**
 * The GIL runtimes the proofs share. jcstress makes many state objects per run; one runtime per
 * policy serves them all, since a GIL serializes its holders whatever they touch.
 */
final class StressRuntimes {
  /** FAIR, default interval: for exclusion and visibility. */
  static final GilRuntime FAIR =
      GilRuntime.builder().name("stress-fair").policy(GilPolicy.FAIR).watchdogOff().build();

  /** CPYTHON, default interval: for exclusion and visibility. */
  static final GilRuntime CPYTHON =
      GilRuntime.builder().name("stress-cpython").policy(GilPolicy.CPYTHON).watchdogOff().build();

  /**
   * FAIR with the shortest switch interval the GIL accepts, so that a waiter asks the holder to
   * drop almost at once: drop requests are made all the time, as the checkpoint proofs need.
   */
  static final GilRuntime EAGER =
      GilRuntime.builder()
          .name("stress-eager")
          .policy(GilPolicy.FAIR)
          .switchInterval(dev.baton.gil.Gil.MIN_SWITCH_INTERVAL)
          .watchdogOff()
          .build();

  private StressRuntimes() {}
}
