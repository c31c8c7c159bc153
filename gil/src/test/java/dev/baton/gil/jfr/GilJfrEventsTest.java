package dev.baton.gil.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.EventType;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GilJfrEventsTest {

  @Test
  void eventsAreRecordedWithTheirNamesFieldsAndDefaultThresholds(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("baton.jfr");
    try (Recording recording = new Recording()) {
      recording.enable(GilWaitEvent.class);
      recording.enable(GilHandoffEvent.class);
      recording.enable(DropRequestEvent.class);
      recording.start();

      GilWaitEvent quick = new GilWaitEvent(); // under the 1 ms threshold: filtered out
      quick.begin();
      quick.end();
      assertThat(quick.shouldCommit()).isFalse();

      GilWaitEvent wait = new GilWaitEvent();
      wait.begin();
      Thread.sleep(3);
      wait.end();
      assertThat(wait.shouldCommit()).isTrue();
      wait.runtime = "main";
      wait.holder = "worker-2";
      wait.commit();

      GilHandoffEvent handoff = new GilHandoffEvent();
      handoff.runtime = "main";
      handoff.fromThread = "worker-2";
      handoff.toThread = "worker-1";
      handoff.latency = 40_000L;
      handoff.commit();

      DropRequestEvent drop = new DropRequestEvent();
      drop.runtime = "main";
      drop.requester = "worker-1";
      drop.holder = "worker-2";
      drop.heldFor = 5_000_000L;
      drop.commit();

      recording.stop();
      recording.dump(file);
    }
    List<RecordedEvent> events =
        RecordingFile.readAllEvents(file).stream()
            .filter(e -> e.getEventType().getName().startsWith("dev.baton."))
            .toList();
    assertThat(events)
        .extracting(e -> e.getEventType().getName())
        .containsExactlyInAnyOrder(
            "dev.baton.GilWait", "dev.baton.GilHandoff", "dev.baton.DropRequest");

    RecordedEvent wait = byName(events, "dev.baton.GilWait");
    assertThat(wait.getString("runtime")).isEqualTo("main");
    assertThat(wait.getString("holder")).isEqualTo("worker-2");
    assertThat(wait.getDuration()).isGreaterThanOrEqualTo(Duration.ofMillis(1));

    RecordedEvent handoff = byName(events, "dev.baton.GilHandoff");
    assertThat(handoff.getString("toThread")).isEqualTo("worker-1");
    assertThat(handoff.getDuration("latency")).isEqualTo(Duration.ofNanos(40_000));

    RecordedEvent drop = byName(events, "dev.baton.DropRequest");
    assertThat(drop.getDuration("heldFor")).isEqualTo(Duration.ofMillis(5));
    assertThat(drop.getString("requester")).isEqualTo("worker-1");
  }

  @Test
  void eventTypesCarryBatonsCategoryAndThresholds() {
    EventType gilWait = EventType.getEventType(GilWaitEvent.class);
    assertThat(gilWait.getName()).isEqualTo("dev.baton.GilWait");
    assertThat(gilWait.getCategoryNames()).containsExactly("Baton", "GIL");
    assertThat(setting(gilWait, "threshold")).isEqualTo("1 ms");
  }

  private static String setting(EventType type, String name) {
    return type.getSettingDescriptors().stream()
        .filter(d -> d.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getDefaultValue();
  }

  private static RecordedEvent byName(List<RecordedEvent> events, String name) {
    return events.stream()
        .filter(e -> e.getEventType().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
