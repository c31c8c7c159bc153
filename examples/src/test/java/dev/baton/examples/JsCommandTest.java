package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsCommandTest {

  @Test
  void underTheGilTheSharedCountAndArrayAreExact() {
    JsCommand.Race race = JsCommand.underGil(3, 5_000, Duration.ofNanos(20_000), "work");
    assertThat(race.count()).isEqualTo(15_000);
    assertThat(race.items()).isEqualTo(15_000);
    assertThat(race.holes()).isZero();
    assertThat(race.errors()).isEmpty();
  }

  @Test
  void plainThreadsNeverGainUpdates() throws Exception {
    JsCommand.Race race = JsCommand.noGil(2, 5_000);
    // whatever Rhino does without a GIL, it cannot count more than was added
    assertThat(race.count()).isBetween(0L, 10_000L);
    assertThat(race.items()).isBetween(0L, 10_000L);
    assertThat(race.forcedSwitches()).isEqualTo(-1);
  }

  @Test
  void jsonHasTheIssuesKeysAndTheDiagramsAreDrawn(@TempDir Path dir) throws Exception {
    MainTest.Run run =
        MainTest.run(
            "js",
            "--quick",
            "--json",
            "--no-progress",
            "--threads",
            "2",
            "--increments",
            "2000",
            "--spin",
            "20000",
            "--downloads",
            "4",
            "--latency-ms",
            "5",
            "--trace",
            dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("threads").asInt()).isEqualTo(2);
    assertThat(node.get("expected").asLong()).isEqualTo(4_000);
    assertThat(node.get("gil_final").asLong()).isEqualTo(4_000);
    assertThat(node.get("gil_items").asLong()).isEqualTo(4_000);
    assertThat(node.get("no_gil_final").asLong()).isBetween(0L, 4_000L);
    assertThat(node.get("no_gil_errors").asInt()).isNotNegative();
    assertThat(node.get("gil_call_final").asLong()).isBetween(1L, 4_000L);
    for (String key :
        new String[] {"cpu_sequential_s", "cpu_threads_s", "io_sequential_s", "io_threads_s"}) {
      assertThat(node.get(key).asDouble()).as(key).isPositive();
    }
    assertThat(run.err()).contains("plain threads, no GIL").contains("x = plusOne(x)");
    for (String name : new String[] {"js-race-gil", "js-cpu-threads", "js-io-threads"}) {
      assertThat(dir.resolve(name + ".svg")).isNotEmptyFile();
      assertThat(Files.readString(dir.resolve(name + ".trace.json"))).contains("script-1");
    }
  }

  @Test
  void rejectsBadSizes() {
    MainTest.Run run = MainTest.run("js", "--threads", "0");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("--threads must be at least 1, got 0");
  }
}
