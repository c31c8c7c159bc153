package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IoCommandTest {

  @Test
  void jsonHasTheArticlesFiguresAndEveryByteArrived() throws Exception {
    MainTest.Run run =
        MainTest.run(
            "io",
            "--json",
            "--no-progress",
            "--downloads",
            "12",
            "--latency-ms",
            "1",
            "--page-size",
            "300",
            "--mode",
            "sequential");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("downloads").asInt()).isEqualTo(12);
    assertThat(node.get("sequential_s").asDouble()).isPositive();
    assertThat(node.get("sequential_bytes").asLong()).isEqualTo(12 * 300);
    for (String key : new String[] {"threads_s", "loop_s", "processes_s"}) {
      assertThat(node.has(key)).as(key).isTrue();
    }
    assertThat(run.err()).contains("mode").contains("speed-up").contains("sequential");
  }

  @Test
  void everyModeDownloadsEveryByte() throws Exception {
    MainTest.Run run =
        MainTest.run(
            "io",
            "--json",
            "--no-progress",
            "--downloads",
            "8",
            "--latency-ms",
            "1",
            "--page-size",
            "200",
            "--limit",
            "2");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    for (String mode : IoCommand.MODES) {
      assertThat(node.get(mode + "_bytes").asLong()).as(mode).isEqualTo(8 * 200);
      assertThat(node.get(mode + "_s").isNumber()).as(mode).isTrue();
    }
  }

  @Test
  void urlOptionDownloadsFromThatServer() throws Exception {
    try (PageServer server = PageServer.start(Duration.ZERO, 50)) {
      MainTest.Run run =
          MainTest.run(
              "io",
              "--json",
              "--no-progress",
              "--downloads",
              "3",
              "--mode",
              "sequential",
              "--url",
              server.uri("/dice").toString());
      assertThat(run.exit()).as(run.err()).isZero();
      JsonNode node = new ObjectMapper().readTree(run.out());
      assertThat(node.get("sequential_bytes").asLong()).isEqualTo(150);
      assertThat(node.get("latency_ms").isNull()).isTrue();
      assertThat(server.served()).isEqualTo(3 + IoCommand.WARM_UP);
    }
  }

  @Test
  void badOptionsAreNamed() {
    MainTest.Run mode = MainTest.run("io", "--mode", "telepathy");
    assertThat(mode.exit()).isNotZero();
    assertThat(mode.err()).contains("--mode must be one of").contains("got 'telepathy'");
    MainTest.Run downloads = MainTest.run("io", "--downloads", "0");
    assertThat(downloads.exit()).isNotZero();
    assertThat(downloads.err()).contains("--downloads must be at least 1, got 0");
  }
}
