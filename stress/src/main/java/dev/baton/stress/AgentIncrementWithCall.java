package dev.baton.stress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Under the Baton agent, {@code v = x; step(); x = v + 1} loses updates: {@code step()}'s entry is
 * a checkpoint of the instrumented actor class ({@link AgentClasses}), and with drop requests made
 * all the time (the shortest switch interval) the GIL passes there.
 *
 * <p>The interleaving looked for: the first actor reads 0 and gives the GIL up at {@code step()};
 * the second takes it, reads 0, writes 1; the first takes it back and writes its stale 1. Outcome
 * 1, the lost update, must be observed.
 *
 * <p>{@code java -cp stress/target/jcstress.jar dev.baton.stress.Proof -t AgentIncrementWithCall}
 */
@JCStressTest
@Expects(Expects.Race.MUST)
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "Both increments kept.")
@Outcome(
    id = "1",
    expect = Expect.ACCEPTABLE_INTERESTING,
    desc = "Lost update: the GIL passed at the call's entry, between read and write.")
@State
public class AgentIncrementWithCall {
  private final AgentClasses.Increments x = AgentClasses.increments(true);

  @Actor
  public void first() {
    x.increment().run();
  }

  @Actor
  public void second() {
    x.increment().run();
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = x.value().getAsInt();
  }
}
