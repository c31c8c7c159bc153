package dev.baton.stress;

import dev.baton.gil.GilRuntime;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The talk's counter under the GIL, with no checkpoint inside the read-modify-write: as in CPython
 * 3.10 and later, where {@code x += 1} on a local has no eval-breaker check between the load and
 * the store, the GIL cannot change hands between the read and the write.
 *
 * <p>The interleaving looked for is the lost update (both actors read 0, both write 1). Each actor
 * holds the runtime's GIL across its whole read-modify-write, with drop requests being made (the
 * runtime's switch interval is the shortest allowed), so outcome 1 is forbidden.
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "Both increments kept.")
@Outcome(id = "1", expect = Expect.FORBIDDEN, desc = "Lost update.")
@State
public class GilIncrementNoCheckpoint {
  private static final GilRuntime RUNTIME = StressRuntimes.EAGER;
  int x;

  @Actor
  public void first() {
    try (var gil = RUNTIME.ensure()) {
      x = x + 1;
    }
  }

  @Actor
  public void second() {
    try (var gil = RUNTIME.ensure()) {
      x = x + 1;
    }
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = x;
  }
}
