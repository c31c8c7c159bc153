package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BlockingCommandTest {

  @Test
  void aBlockingTaskIsWarnedAboutAndDelaysTheOthers() throws Exception {
    MainTest.Run run = MainTest.run("blocking", "--quick", "--json");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("blocked_ms").asInt()).isEqualTo(200);
    assertThat(node.get("warned").asBoolean()).isTrue();
    assertThat(node.get("warning_named").asText()).contains("worker (blocking)");
    // the others cannot run while the worker blocks the loop: they are late by about its length
    assertThat(node.get("others_max_delay_ms_blocking").asDouble()).isGreaterThanOrEqualTo(150);
    assertThat(node.get("others_max_delay_ms_offloaded").asDouble()).isNotNegative();
  }

  @Test
  void nonPositiveSizesAreRejectedByName() {
    MainTest.Run run = MainTest.run("blocking", "--blocked-ms", "0");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("--blocked-ms");
  }
}
