package dev.baton.process.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The parent's estimate of a worker's clock offset, from send/answer windows. */
class WorkerClockTest {
  /** The simulated worker clock runs this far ahead of the parent's. */
  private static final long THETA = 7_000_000_000L;

  @Test
  void beforeAnyObservationTheOffsetIsZeroAndUnbounded() {
    WorkerTrace.Clock clock = new WorkerTrace.Clock();
    assertThat(clock.offset()).isZero();
    assertThat(clock.errorBound()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aPingGivesTheMidpointWithinHalfTheRoundTrip() {
    WorkerTrace.Clock clock = new WorkerTrace.Clock();
    // sent at 1000, the worker read its clock at parent time 1030, the answer arrived at 1100
    clock.observe(1_000, 1_030 + THETA, 1_030 + THETA, 1_100);
    assertThat(clock.errorBound()).isEqualTo(50);
    assertThat(Math.abs(clock.offset() - THETA)).isLessThanOrEqualTo(clock.errorBound());
  }

  @Test
  void eachWindowNarrowsTheEstimateAndKeepsItInsideEveryWindow() {
    WorkerTrace.Clock clock = new WorkerTrace.Clock();
    clock.observe(1_000, 1_030 + THETA, 1_030 + THETA, 1_100);
    // a task sent at 2000, run from parent time 2005 to 2400, answered at 2420
    clock.observe(2_000, 2_005 + THETA, 2_400 + THETA, 2_420);
    assertThat(clock.errorBound()).isLessThanOrEqualTo(13);
    assertThat(Math.abs(clock.offset() - THETA)).isLessThanOrEqualTo(clock.errorBound());
    long start = 2_005 + THETA - clock.offset();
    long end = 2_400 + THETA - clock.offset();
    assertThat(start).isBetween(2_000L, 2_420L);
    assertThat(end).isBetween(2_000L, 2_420L);
    // a later, looser window does not widen it
    long before = clock.errorBound();
    clock.observe(5_000, 5_500 + THETA, 5_600 + THETA, 6_000);
    assertThat(clock.errorBound()).isEqualTo(before);
  }

  @Test
  void aWindowThatContradictsTheEstimateRestartsIt() {
    WorkerTrace.Clock clock = new WorkerTrace.Clock();
    clock.observe(1_000, 1_030 + THETA, 1_030 + THETA, 1_100);
    long stepped = THETA + 1_000_000;
    clock.observe(9_000, 9_010 + stepped, 9_020 + stepped, 9_040);
    assertThat(Math.abs(clock.offset() - stepped)).isLessThanOrEqualTo(clock.errorBound());
    assertThat(clock.errorBound()).isLessThanOrEqualTo(15);
  }

  @Test
  void aWorkerIntervalLongerThanTheParentsIsIgnored() {
    WorkerTrace.Clock clock = new WorkerTrace.Clock();
    clock.observe(1_000, 1_030 + THETA, 1_030 + THETA, 1_100);
    long bound = clock.errorBound();
    long offset = clock.offset();
    // 500 ns of worker time inside 100 ns of parent time: impossible, so no information
    clock.observe(2_000, 2_000 + THETA, 2_500 + THETA, 2_100);
    assertThat(clock.offset()).isEqualTo(offset);
    assertThat(clock.errorBound()).isEqualTo(bound);
  }
}
