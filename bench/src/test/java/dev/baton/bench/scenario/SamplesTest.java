package dev.baton.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplesTest {

  @Test
  void nearestRankPercentilesOfUnsortedSamples() {
    Samples samples = new Samples(4);
    for (long v = 100; v >= 1; v--) {
      samples.add(v * 1000);
    }
    assertThat(samples.size()).isEqualTo(100);
    assertThat(samples.percentileNanos(50)).isEqualTo(50_000);
    assertThat(samples.percentileNanos(99)).isEqualTo(99_000);
    assertThat(samples.percentileNanos(100)).isEqualTo(100_000);
    assertThat(samples.maxNanos()).isEqualTo(100_000);
  }

  @Test
  void addAfterPercentileResorts() {
    Samples samples = new Samples(1);
    samples.add(5);
    assertThat(samples.maxNanos()).isEqualTo(5);
    samples.add(1);
    samples.add(9);
    assertThat(samples.percentileNanos(50)).isEqualTo(5);
    assertThat(samples.maxNanos()).isEqualTo(9);
  }

  @Test
  void emptyAndBadPercentilesAreRejected() {
    Samples samples = new Samples(1);
    assertThatThrownBy(samples::maxNanos).hasMessageContaining("no samples");
    samples.add(1);
    assertThatThrownBy(() -> samples.percentileNanos(0)).hasMessageContaining("(0, 100]");
  }

  @Test
  void metricsRejectDuplicatesAndNonFiniteValues() {
    Metrics metrics = new Metrics();
    metrics.put("a", 1);
    assertThatThrownBy(() -> metrics.put("a", 2)).hasMessageContaining("twice");
    assertThatThrownBy(() -> metrics.put("b", Double.NaN)).hasMessageContaining("not finite");
  }
}
