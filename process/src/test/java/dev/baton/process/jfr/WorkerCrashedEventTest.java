package dev.baton.process.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerCrashedEventTest {

  @Test
  void isRecordedWithItsNameCategoryAndFields(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("baton.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(WorkerCrashedEvent.class);
      recording.start();
      WorkerCrashedEvent crash = new WorkerCrashedEvent();
      crash.pool = "pool-1";
      crash.workerPid = 4242;
      crash.exitCode = 137;
      crash.task = "square(7)";
      crash.commit();
      recording.stop();
      recording.dump(file);
    }
    RecordedEvent crash =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().equals("dev.baton.WorkerCrashed"))
            .findFirst()
            .orElseThrow();
    assertThat(crash.getLong("workerPid")).isEqualTo(4242);
    assertThat(crash.getInt("exitCode")).isEqualTo(137);
    assertThat(crash.getString("task")).isEqualTo("square(7)");
    assertThat(EventType.getEventType(WorkerCrashedEvent.class).getCategoryNames())
        .containsExactly("Baton", "Process Pool");
  }
}
