package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TimingTest {

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(Timing.median(3, 1, 2)).isEqualTo(2);
    assertThat(Timing.median(4, 1, 3, 2)).isEqualTo(2.5);
    assertThatThrownBy(Timing::median).hasMessageContaining("median of no values");
  }

  @Test
  void speedUpIsBaselineOverTimeRoundedOrAbsent() {
    assertThat(Timing.speedUp(2.0, 0.5)).isEqualTo(4.0);
    assertThat(Timing.speedUp(1.0, 3.0)).isEqualTo(0.33);
    assertThat(Timing.speedUp(1.0, null)).isNull();
  }
}
