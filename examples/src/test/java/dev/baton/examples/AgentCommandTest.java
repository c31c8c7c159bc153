package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {

  @Test
  void withTheAgentThePlainIncrementLosesNothingAndTheTraceIsWritten(@TempDir Path dir)
      throws Exception {
    Path jar = AgentCommand.findAgentJar();
    assumeTrue(Files.isRegularFile(jar), "the agent jar is packaged (./mvnw verify builds it)");
    MainTest.Run run =
        MainTest.run("agent", "--json", "--quick", "--no-progress", "--trace", dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("plain_lost_with").asLong()).isZero();
    assertThat(node.get("plain_lost_without").asLong()).isNotNegative();
    assertThat(node.get("call_lost_with").asLong()).isNotNegative();
    for (String key : new String[] {"cpu_ratio_without", "cpu_ratio_with", "io_ratio_with"}) {
      assertThat(node.get(key).asDouble()).as(key).isPositive();
    }
    assertThat(node.get("cpu_forced_switches_with").asLong()).isPositive();
    assertThat(dir.resolve("agent-cpu.trace.json")).isNotEmptyFile();
    assertThat(run.err()).contains("counter = counter + 1").contains("-javaagent:");
  }

  @Test
  void aMissingAgentJarSaysHowToBuildIt(@TempDir Path dir) {
    MainTest.Run run = MainTest.run("agent", "--agent-jar", dir.resolve("none.jar").toString());
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("no agent jar at").contains("./mvnw -pl agent -am package");
  }
}
