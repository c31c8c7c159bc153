package dev.baton.stress;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScheduleProofTest {

  @Test
  void theCheckpointBodyRacesAndTheGuardedOnesNever() throws Exception {
    List<ScheduleProof.Verdict> verdicts = ScheduleProof.check(200);

    assertThat(verdicts).hasSize(3).allMatch(ScheduleProof.Verdict::ok);
    ScheduleProof.Verdict racing = verdicts.get(0);
    assertThat(racing.body()).isEqualTo(ScheduleProof.Body.WITH_CHECKPOINT);
    assertThat(racing.failure()).isPresent();
    assertThat(racing.failure().get().minimal().handOffs()).hasSize(2);
    assertThat(verdicts.get(1).failure()).isEmpty();
    assertThat(verdicts.get(2).failure()).isEmpty();
  }
}
