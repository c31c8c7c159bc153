package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.trace.MarkKind;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import dev.baton.process.jfr.WorkerCrashedEvent;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool's marks on the trace timeline (worker start, task sent, result received, crash) and the
 * {@code dev.baton.WorkerCrashed} JFR event.
 */
class WorkerCrashTracingTest {

  @Test
  void startsSendsAndResultsAreMarkedWithTheWorkersName() throws Exception {
    TraceSnapshot trace;
    try (TraceSession session = Tracer.enable()) {
      ProcessPool pool = Pools.lean(1).name("traced-pool").build();
      try {
        assertThat(pool.submit(() -> 6 * 7).get(30, java.util.concurrent.TimeUnit.SECONDS))
            .isEqualTo(42);
      } finally {
        pool.shutdownNow();
      }
      trace = session.snapshot();
    }
    for (MarkKind kind :
        List.of(PoolTrace.WORKER_START, PoolTrace.TASK_SENT, PoolTrace.RESULT_RECEIVED)) {
      assertThat(trace.marks())
          .filteredOn(m -> m.kind() == kind)
          .as(kind.toString())
          .isNotEmpty()
          .allSatisfy(
              m -> {
                assertThat(m.label()).startsWith("traced-pool");
                assertThat(m.lane().kind()).isEqualTo(PoolTrace.WORKER);
              });
    }
  }

  @Test
  void aCrashIsMarkedAndRecordedInJfr(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("crash.jfr");
    ProcessPool pool = Pools.lean(1).name("traced-crash").build();
    TraceSnapshot trace;
    WorkerCrashedException crash;
    try (Recording recording = new Recording();
        TraceSession session = Tracer.enable()) {
      recording.enable(WorkerCrashedEvent.class);
      recording.start();
      CompletableFuture<Integer> f =
          pool.submit(
              () -> {
                System.exit(3);
                return 0;
              });
      crash = (WorkerCrashedException) Pools.failureOf(f);
      recording.stop();
      recording.dump(file);
      trace = session.snapshot();
    } finally {
      pool.shutdownNow();
    }
    assertThat(trace.marks())
        .filteredOn(m -> m.kind() == PoolTrace.WORKER_CRASH)
        .singleElement()
        .satisfies(
            m -> {
              assertThat(m.lane().kind()).isEqualTo(PoolTrace.WORKER);
              assertThat(m.lane().processId()).isEqualTo(crash.pid());
              assertThat(m.label()).startsWith("traced-crash-w1").contains("exit code 3");
            });
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals("dev.baton.WorkerCrashed"))
            .toList();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getString("pool")).isEqualTo("traced-crash");
    assertThat(events.get(0).getLong("workerPid")).isEqualTo(crash.pid());
    assertThat(events.get(0).getInt("exitCode")).isEqualTo(3);
  }
}
