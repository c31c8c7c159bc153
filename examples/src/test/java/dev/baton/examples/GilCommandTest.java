package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class GilCommandTest {

  @Test
  void jsonHasTheCountdownAndFairnessFigures() throws Exception {
    MainTest.Run run =
        MainTest.run(
            "gil", "--json", "--quick", "--threads", "3", "--count", "300000", "--repeat", "1");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("threads").asInt()).isEqualTo(3);
    assertThat(node.get("policy").asText()).isEqualTo("fair");
    for (String key :
        new String[] {"single_s", "threads_s", "released_s", "ratio_threads_vs_single"}) {
      assertThat(node.get(key).asDouble()).as(key).isPositive();
    }
    // Jain's index lies in [1/n, 1]; the command rounds it to 4 decimals, so 1/3 prints 0.3333
    assertThat(node.get("jain").asDouble()).isBetween(0.3333, 1.0);
    assertThat(node.get("worst_wait_ms").asDouble()).isPositive();
    assertThat(node.get("switches").asLong()).isPositive();
    double shares = 0;
    for (JsonNode share : node.get("shares")) {
      shares += share.asDouble();
    }
    assertThat(shares).isBetween(0.99, 1.01);
    assertThat(run.err()).contains("Jain index");
  }

  @Test
  void badArgumentsAreRejectedByName() {
    MainTest.Run threads = MainTest.run("gil", "--threads", "0");
    assertThat(threads.exit()).isNotZero();
    assertThat(threads.err()).contains("--threads");
    MainTest.Run interval = MainTest.run("gil", "--interval-ms", "0");
    assertThat(interval.exit()).isNotZero();
    assertThat(interval.err()).contains("--interval-ms").contains("switchInterval");
    MainTest.Run policy = MainTest.run("gil", "--policy", "lottery");
    assertThat(policy.exit()).isNotZero();
    assertThat(policy.err()).contains("--policy");
  }
}
