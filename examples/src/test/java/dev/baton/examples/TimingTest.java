package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
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

  @Test
  void measureInterleavesRoundsAndKeepsTheLastResults() throws Exception {
    List<String> order = new ArrayList<>();
    Timing.Measured measured =
        Timing.measure(
            List.of("a", "b"),
            3,
            m -> {
              order.add(m);
              return order.size();
            });
    assertThat(order).containsExactly("a", "b", "a", "b", "a", "b");
    assertThat(measured.seconds()).containsOnlyKeys("a", "b");
    assertThat(measured.seconds().values()).allSatisfy(s -> assertThat(s).isNotNegative());
    assertThat(measured.results()).containsEntry("a", 5L).containsEntry("b", 6L);
    assertThatThrownBy(() -> Timing.measure(List.of("a"), 0, m -> 0))
        .hasMessage("--repeat must be at least 1, got 0");
  }
}
