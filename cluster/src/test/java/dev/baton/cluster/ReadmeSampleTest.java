package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.process.Pool;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's sample, verbatim between the markers (a pool with its own member, port 5701 up). */
class ReadmeSampleTest {

  @Test
  void readmeSampleRuns() throws Exception {
    List<Integer> result;
    // README begin
    // was: try (Pool pool = ProcessPool.builder().build()) {
    try (Pool pool = ClusterPool.builder().clusterName("squares").build()) {
      List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3)); // [1, 4, 9], on the members
      // README end
      result = squares;
      assertThat(((ClusterPool) pool).memberCount()).isGreaterThanOrEqualTo(1);
      // README begin
    }
    // README end
    assertThat(result).containsExactly(1, 4, 9);
  }
}
