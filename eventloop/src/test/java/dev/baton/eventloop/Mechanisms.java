package dev.baton.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

/** The task mechanisms every task test runs on; both must be available in this build. */
final class Mechanisms {
  private Mechanisms() {}

  static List<TaskMechanism> all() {
    // The module's surefire configuration exports jdk.internal.vm: a missing mechanism is a
    // broken build, not a reason to skip.
    assertThat(TaskMechanism.CONTINUATIONS.isAvailable())
        .as(String.valueOf(dev.baton.eventloop.internal.ContinuationStrand.UNAVAILABLE_REASON))
        .isTrue();
    return Arrays.asList(TaskMechanism.values());
  }
}
