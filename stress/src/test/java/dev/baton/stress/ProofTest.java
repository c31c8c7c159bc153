package dev.baton.stress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProofTest {

  private static Proof.Verdict verdict(Expects.Race expect, long raced, boolean ran, String error) {
    return new Proof.Verdict("dev.baton.stress.T", 1000, raced, expect, ran, error);
  }

  @Test
  void mustRaceHoldsOnlyWhenARaceWasSeen() {
    assertThat(verdict(Expects.Race.MUST, 3, true, null).ok()).isTrue();
    assertThat(verdict(Expects.Race.MUST, 0, true, null).ok()).isFalse();
  }

  @Test
  void mustNeverRaceHoldsOnlyWithoutARace() {
    assertThat(verdict(Expects.Race.NEVER, 0, true, null).ok()).isTrue();
    assertThat(verdict(Expects.Race.NEVER, 1, true, null).ok()).isFalse();
  }

  @Test
  void aTestThatDidNotRunOrErredFails() {
    assertThat(verdict(Expects.Race.NEVER, 0, false, null).ok()).isFalse();
    assertThat(verdict(Expects.Race.MUST, 5, true, "TEST_ERROR: boom").ok()).isFalse();
  }

  @Test
  void jsonHasTheDocumentedShape() throws Exception {
    String json =
        Proof.toJson(
            List.of(
                verdict(Expects.Race.MUST, 7, true, null),
                verdict(Expects.Race.NEVER, 2, true, null)),
            false);
    JsonNode node = new ObjectMapper().readTree(json);
    assertThat(node.get("ok").asBoolean()).isFalse();
    JsonNode first = node.get("tests").get(0);
    assertThat(first.get("name").asText()).isEqualTo("T");
    assertThat(first.get("samples").asLong()).isEqualTo(1000);
    assertThat(first.get("raced").asLong()).isEqualTo(7);
    assertThat(first.get("expect").asText()).isEqualTo("race");
    assertThat(first.get("ok").asBoolean()).isTrue();
    assertThat(node.get("tests").get(1).get("expect").asText()).isEqualTo("never");
    assertThat(node.get("tests").get(1).get("ok").asBoolean()).isFalse();
  }

  @Test
  void everyProofTestSaysWhatItExpects() {
    for (Class<?> test :
        List.of(
            UnguardedIncrementRace.class,
            SynchronizedIncrement.class,
            ReentrantLockIncrement.class,
            AtomicIncrement.class,
            GilIncrementNoCheckpoint.class,
            GilIncrementWithCheckpoint.class,
            GilLockIncrement.class,
            GilMutualExclusion.class,
            GilHandoffVisibility.class,
            LoopSubmissionOrder.class,
            PlainRefcountNoGuardRace.class,
            PlainRefcountUnderGil.class,
            AtomicRefcountFreeThreaded.class,
            BiasedRefcountFreeThreaded.class,
            AgentPlainIncrement.class,
            AgentIncrementWithCall.class)) {
      assertThat(test.getAnnotation(Expects.class)).as(test.getName()).isNotNull();
    }
  }
}
