package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
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

  @Test
  void theWorkerJvmsStartBeforeTheTimingAndTheirStartUpIsReportedApart() throws Exception {
    MainTest.Run run =
        MainTest.run(
            "cpu",
            "--json",
            "--no-progress",
            "--base",
            "1000",
            "--processes",
            "1",
            "--mode",
            "processes");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("processes_startup_s").isNumber()).isTrue();
    assertThat(run.err()).contains("worker JVMs were started and computed once before the timing");
  }

  @Test
  void aRunWhoseFiguresMissTheClaimsSaysWhy() {
    StringWriter text = new StringWriter();
    PrintWriter writer = new PrintWriter(text, true);
    CpuCommand cpu = new CpuCommand();
    cpu.threads = 5;
    cpu.explainMisses(
        new Output(false, writer, writer),
        Map.of("sequential", 2.0, "threads", 1.0, "processes", 2.5),
        Map.of("sequential", 0.4, "threads", 0.9));
    assertThat(text.toString())
        .contains("The GIL threads finished before the single thread")
        .contains("5 threads get a larger share")
        .contains("cores used: one thread 0.40, the GIL threads 0.90")
        .contains("The processes were no faster than one thread");
  }

  @Test
  void aRunThatShowsTheClaimsExplainsNothing() {
    StringWriter text = new StringWriter();
    PrintWriter writer = new PrintWriter(text, true);
    new CpuCommand()
        .explainMisses(
            new Output(false, writer, writer),
            Map.of("sequential", 2.0, "threads", 2.4, "processes", 1.1),
            Map.of("threads", 1.0));
    assertThat(text.toString()).isEmpty();
  }
}
