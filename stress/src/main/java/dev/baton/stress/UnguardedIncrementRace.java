package dev.baton.stress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The talk's race condition with no lock at all: two threads each run {@code x = x + 1} on a shared
 * plain field, as the read, the add and the write.
 *
 * <p>The interleaving looked for: both actors read 0 before either writes, both write 1, and one
 * increment is lost. Outcome 2 is the serial result; outcome 1 is the lost update the talk's first
 * table shows, and it must be observed for this test to prove anything.
 */
@JCStressTest
@Expects(Expects.Race.MUST)
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "Both increments kept.")
@Outcome(
    id = "1",
    expect = Expect.ACCEPTABLE_INTERESTING,
    desc = "Lost update: both threads read 0, both wrote 1.")
@State
public class UnguardedIncrementRace {
  int x;

  @Actor
  public void first() {
    x = x + 1;
  }

  @Actor
  public void second() {
    x = x + 1;
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = x;
  }
}
