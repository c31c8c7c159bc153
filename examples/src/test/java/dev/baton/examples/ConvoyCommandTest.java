package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ConvoyCommandTest {

  @Test
  void jsonHasTheRoundTripFiguresOfOnePolicy() throws Exception {
    MainTest.Run run = MainTest.run("convoy", "--policy", "fair", "--quick", "--json");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("policy").asText()).isEqualTo("fair");
    for (String key :
        new String[] {"alone_p50_us", "busy_p50_us", "alone_rps", "busy_rps", "spinner_share"}) {
      assertThat(node.get(key).asDouble()).as(key).isPositive();
    }
    // the echo thread came back from I/O beside the spinner, so it asked for the GIL
    assertThat(node.get("drop_requests").asLong()).isPositive();
    assertThat(node.get("hand_offs").asLong()).isPositive();
  }

  @Test
  void anUnknownPolicyIsRejectedByName() {
    MainTest.Run run = MainTest.run("convoy", "--policy", "lottery");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("--policy").contains("lottery");
  }
}
