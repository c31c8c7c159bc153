package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CpuCommandTest {

  @Test
  void jsonHasEveryModesKeyAndTheSum() throws Exception {
    MainTest.Run run =
        MainTest.run("cpu", "--json", "--no-progress", "--base", "1000", "--processes", "1");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(node.get("base").asLong()).isEqualTo(1000);
    assertThat(node.get("sequential_s").isNumber()).isTrue();
    for (String key : new String[] {"threads_s", "released_s", "loop_s", "processes_s"}) {
      assertThat(node.has(key)).as(key).isTrue();
    }
    assertThat(node.get("result").asLong())
        .isEqualTo(Workloads.sequential(Workloads.numbers(1000)));
  }
}
