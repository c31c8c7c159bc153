package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class RefcountCommandTest {

  @Test
  void guardedAndThreadSafeCountsAreExact() throws Exception {
    MainTest.Run run = MainTest.run("refcount", "--json", "--iterations", "20000");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("demo_counts").toString()).isEqualTo("[1,2]");
    assertThat(node.get("cpython_counts").toString()).isEqualTo("[2,3]");
    assertThat(node.get("expected_final").asLong()).isEqualTo(1);
    assertThat(node.get("gil_final").asLong()).isEqualTo(1);
    assertThat(node.get("atomic_final").asLong()).isEqualTo(1);
    assertThat(node.get("biased_final").asLong()).isEqualTo(1);
    // whether the unguarded race loses updates in a given run is up to the scheduler; its outcome
    // must match its count
    long noGil = node.get("no_gil_final").asLong();
    String outcome = node.get("no_gil_outcome").asText();
    assertThat(outcome).isIn("exact", "leak", "premature_free");
    if (outcome.equals("exact")) {
      assertThat(noGil).isEqualTo(1);
      assertThat(node.get("no_gil_attempts").asInt()).isPositive();
    } else if (outcome.equals("leak")) {
      assertThat(noGil).isGreaterThan(1);
    }
    assertThat(run.err()).contains("sys.getrefcount").contains("biased counts");
  }

  @Test
  void rejectsNonPositiveIterations() {
    MainTest.Run run = MainTest.run("refcount", "--iterations", "0");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("--iterations");
  }
}
