package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's process-pool sample, as written there (examples' ReadmeSamplesTest checks it). */
class ReadmeSampleTest {

  @Test
  void sampleRunsAsDocumented() throws Exception {
    // README begin
    try (ProcessPool pool =
        ProcessPool.builder().workers(2).taskTimeout(Duration.ofSeconds(30)).build()) {
      List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3)); // [1, 4, 9], in order
      CompletableFuture<Long> pid = pool.submit(() -> ProcessHandle.current().pid());
      // README end
      assertThat(squares).containsExactly(1, 4, 9);
      assertThat(pid.get(30, TimeUnit.SECONDS)).isNotEqualTo(ProcessHandle.current().pid());
      // README begin
    } // close() stops the workers
    // README end
  }
}
