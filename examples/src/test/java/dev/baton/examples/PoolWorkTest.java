package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import dev.baton.process.ProcessPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoolWorkTest {

  @Test
  void chunkSizeIsCPythonsPoolMapDefault() {
    assertThat(PoolWork.chunkSize(160, 2)).isEqualTo(20);
    assertThat(PoolWork.chunkSize(20, 2)).isEqualTo(3);
    assertThat(PoolWork.chunkSize(1, 8)).isEqualTo(1);
  }

  @Test
  void collectAddsTheValuesAndDrawsOneLanePerWorker() {
    TraceSnapshot snapshot;
    long sum;
    try (TraceSession session = Tracer.enable()) {
      // times taken after the session began: spans that end before it are cut away
      long now = java.time.Instant.now().toEpochMilli() * 1_000_000L + 1_000_000L;
      List<PoolWork.Timed> results =
          List.of(
              new PoolWork.Timed(5, 101, now, now + 1_000_000),
              new PoolWork.Timed(7, 102, now, now + 2_000_000),
              new PoolWork.Timed(9, 101, now + 2_000_000, now + 3_000_000));
      sum = PoolWork.collect(results, SpanState.RUNNING, "work");
      session.close();
      snapshot = session.snapshot();
    }
    assertThat(sum).isEqualTo(21);
    // the tracer is global: other threads of this JVM may have recorded on lanes of their own
    List<String> workerLanes =
        snapshot.lanes().stream()
            .map(lane -> lane.name())
            .filter(name -> name.startsWith("worker pid"))
            .toList();
    assertThat(workerLanes).containsExactlyInAnyOrder("worker pid 101", "worker pid 102");
    assertThat(snapshot.spans())
        .filteredOn(span -> span.lane().name().startsWith("worker pid"))
        .hasSize(3);
  }

  @Test
  void workersDownloadWithTheClientTheirInitializerMade() throws Exception {
    try (PageServer server = PageServer.start(Duration.ZERO, 321);
        ProcessPool pool = PoolWork.pool(1, "test", true)) {
      List<String> uris = server.sites(4).stream().map(Object::toString).toList();
      List<PoolWork.Timed> results = new ArrayList<>();
      for (Iterator<PoolWork.Timed> it = pool.imap(PoolWork::download, uris, 2); it.hasNext(); ) {
        results.add(it.next());
      }
      assertThat(results).extracting(PoolWork.Timed::value).containsOnly(321L).hasSize(4);
      assertThat(results)
          .extracting(PoolWork.Timed::pid)
          .doesNotContain(ProcessHandle.current().pid());
      assertThat(results)
          .allSatisfy(
              t -> assertThat(t.endEpochNanos()).isGreaterThanOrEqualTo(t.startEpochNanos()));
    }
  }
}
