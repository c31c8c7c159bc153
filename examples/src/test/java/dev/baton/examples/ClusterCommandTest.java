package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ClusterCommandTest {

  @Test
  void theKilledMembersTasksFailOrRunAgainAndEveryOtherResultArrives() throws Exception {
    MainTest.Run run = MainTest.run("cluster", "--members", "2", "--json", "--no-progress");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    int tasks = node.get("tasks").asInt();
    int failed = node.get("failed").asInt();
    int retried = node.get("retried").asInt();
    assertThat(node.get("members").asInt()).isEqualTo(2);
    assertThat(tasks).isEqualTo(Workloads.NUMBERS);
    assertThat(node.get("hung").asBoolean()).isFalse();
    // the victim runs two tasks at once, holds one more behind each (the pool's window of 2 per
    // thread), and is killed while the queue is still full
    assertThat(failed + retried).as(run.err()).isBetween(1, 4);
    assertThat(node.get("failed_member_lost").asInt()).isEqualTo(failed);
    assertThat(node.get("succeeded").asInt()).isEqualTo(tasks - failed);
    assertThat(node.get("results_correct").asBoolean()).isTrue();
    assertThat(node.get("member_killed").asText()).startsWith("127.0.0.1:");
    assertThat(node.has("elapsed_s")).isTrue();
    assertThat(run.err()).contains("kill -9").contains("Retried on another member");
  }

  @Test
  void theClosedFormMatchesTheLoop() {
    for (long n : new long[] {0, 1, 2, 10, 1_000_003, Workloads.QUICK_BASE + 7}) {
      assertThat(ClusterCommand.expected(n)).as("n=%d", n).isEqualTo(Workloads.sumOfSquares(n));
    }
  }
}
