package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CrashCommandTest {

  @Test
  void onlyTheKilledWorkersTaskFailsAndEveryOtherResultArrives() throws Exception {
    MainTest.Run run = MainTest.run("crash", "--json", "--quick");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    int tasks = node.get("tasks").asInt();
    assertThat(tasks).isEqualTo(8);
    assertThat(node.get("failed").asInt()).isEqualTo(1);
    assertThat(node.get("succeeded").asInt()).isEqualTo(tasks - 1);
    assertThat(node.get("failed_reason").asText()).contains("SIGKILL").contains("replaced");
    assertThat(node.get("signal").asInt()).isEqualTo(9);
    assertThat(node.get("workers_replaced").asInt()).isEqualTo(1);
    assertThat(node.get("workers_after").toString())
        .doesNotContain(node.get("killed_pid").asText());
    assertThat(node.get("results_correct").asBoolean()).isTrue();
    assertThat(node.get("hung").asBoolean()).isFalse();
    assertThat(run.err()).contains("kill -9").contains("The pool replaced the worker");
  }
}
