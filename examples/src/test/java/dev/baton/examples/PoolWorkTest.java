package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.trace.Lane;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import dev.baton.process.PoolTrace;
import dev.baton.process.ProcessPool;
import java.time.Duration;
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
  void workersDownloadWithTheClientTheirInitializerMadeAndShipTheirWaits() throws Exception {
    TraceSnapshot trace;
    long sum;
    try (TraceSession session = Tracer.enable()) {
      try (PageServer server = PageServer.start(Duration.ZERO, 321);
          ProcessPool pool = PoolWork.pool(1, "pooltest", true)) {
        List<String> uris = server.sites(4).stream().map(Object::toString).toList();
        sum =
            PoolWork.run(
                pool, PoolWork::download, uris, Progress.start("test", 4, false, System.err));
      }
      trace = session.snapshot();
    }
    assertThat(sum).isEqualTo(4 * 321L);
    Lane worker =
        trace.lanes().stream()
            .filter(lane -> lane.kind() == PoolTrace.WORKER && lane.name().equals("pooltest-w1"))
            .findFirst()
            .orElseThrow();
    assertThat(worker.processId()).isNotEqualTo(ProcessHandle.current().pid());
    // one chunk per task (chunk size 1 for 4 items on 1 worker), each download a wait inside it
    assertThat(trace.spansOf(worker))
        .filteredOn(span -> span.state() == SpanState.RUNNING)
        .hasSize(4);
    assertThat(trace.spansOf(worker))
        .filteredOn(span -> span.state() == SpanState.WAITING_FOR_IO)
        .hasSize(4);
  }
}
