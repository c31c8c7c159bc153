package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkloadsTest {

  /** n(n-1)(2n-1)/6 modulo 2^64: the closed form of the sum of i*i for i < n. */
  private static long closedForm(long n) {
    BigInteger big = BigInteger.valueOf(n);
    return big.multiply(big.subtract(BigInteger.ONE))
        .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
        .divide(BigInteger.valueOf(6))
        .longValue();
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 2, 3, 10, 1_000, 5_000_000, 5_000_019})
  void sumOfSquaresMatchesTheClosedFormModulo2To64(long n) {
    assertThat(Workloads.sumOfSquares(n)).isEqualTo(closedForm(n));
  }

  @Test
  void checkpointedSumIsTheSameSumAndCallsTheCheckpointOncePerInterval() {
    AtomicInteger checkpoints = new AtomicInteger();
    long sum = Workloads.sumOfSquares(10_001, 1_000, checkpoints::incrementAndGet);
    assertThat(sum).isEqualTo(closedForm(10_001));
    assertThat(checkpoints).hasValue(11);

    checkpoints.set(0);
    assertThat(Workloads.sumOfSquares(0, 7, checkpoints::incrementAndGet)).isZero();
    assertThat(checkpoints).hasValue(0);
  }

  @Test
  void numbersAreTheArticlesTwentyConsecutiveNumbers() {
    long[] numbers = Workloads.numbers(Workloads.ARTICLE_BASE);
    assertThat(numbers).hasSize(20);
    assertThat(numbers[0]).isEqualTo(5_000_000);
    assertThat(numbers[19]).isEqualTo(5_000_019);
    long expected = 0;
    for (long n : numbers) {
      expected += closedForm(n);
    }
    assertThat(Workloads.sequential(numbers)).isEqualTo(expected);
  }

  @Test
  void rejectsNegativeCountsAndIntervals() {
    assertThatThrownBy(() -> Workloads.sumOfSquares(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n must not be negative, got -1");
    assertThatThrownBy(() -> Workloads.sumOfSquares(5, 0, () -> {}))
        .hasMessageContaining("interval must be at least 1, got 0");
    assertThatThrownBy(() -> Workloads.numbers(-3)).hasMessageContaining("base must be between");
    assertThatThrownBy(() -> Workloads.numbers(Long.MAX_VALUE))
        .hasMessageContaining("base must be between");
  }
}
