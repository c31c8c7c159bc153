package dev.baton.eventloop.jfr;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.jfr.EventType;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;

class SlowCallbackEventTest {

  @Test
  void eventTypeCarriesItsNameBatonsCategoryAndTheLoopsThreshold() {
    EventType type = EventType.getEventType(SlowCallbackEvent.class);
    assertThat(type.getName()).isEqualTo("dev.baton.SlowCallback");
    assertThat(type.getCategoryNames()).containsExactly("Baton", "Event Loop");
    assertThat(
            type.getSettingDescriptors().stream()
                .filter(d -> d.getName().equals("threshold"))
                .findFirst()
                .orElseThrow()
                .getDefaultValue())
        .isEqualTo("100 ms");
  }

  @Test
  void aQuickCallbackIsFilteredOutByTheThreshold() {
    try (Recording recording = new Recording()) {
      recording.enable(SlowCallbackEvent.class);
      recording.start();
      SlowCallbackEvent fast = new SlowCallbackEvent();
      fast.begin();
      fast.end();
      assertThat(fast.shouldCommit()).isFalse();
    }
  }
}
