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
 * The GIL alone does not make {@code x += 1} atomic: each actor holds the GIL but passes a
 * checkpoint between the read and the write (in CPython, a call or a loop back-edge between the
 * load and the store), while drop requests are being made (the shortest switch interval).
 *
 * <p>The interleaving looked for: the first actor reads 0 and drops the GIL at the checkpoint; the
 * second takes it, reads 0, writes 1; the first takes it back and writes its stale 1. Outcome 1,
 * the lost update, must be observed: it is why Python code needs {@code threading.Lock} even under
 * a GIL.
 */
@JCStressTest
@Expects(Expects.Race.MUST)
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "Both increments kept.")
@Outcome(
    id = "1",
    expect = Expect.ACCEPTABLE_INTERESTING,
    desc = "Lost update: the GIL changed hands at the checkpoint between read and write.")
@State
public class GilIncrementWithCheckpoint {
  private static final GilRuntime RUNTIME = StressRuntimes.EAGER;
  int x;

  @Actor
  public void first() {
    try (var gil = RUNTIME.ensure()) {
      int v = x;
      RUNTIME.gil().checkpoint();
      x = v + 1;
    }
  }

  @Actor
  public void second() {
    try (var gil = RUNTIME.ensure()) {
      int v = x;
      RUNTIME.gil().checkpoint();
      x = v + 1;
    }
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = x;
  }
}
