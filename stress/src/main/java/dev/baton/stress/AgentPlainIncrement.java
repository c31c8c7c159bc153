package dev.baton.stress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Under the Baton agent, plain {@code x = x + 1} never loses an update: the instrumented actor
 * class ({@link AgentClasses}) has checkpoints at method entry and before backward branches, none
 * between the read and the write, so the GIL that each actor's thread takes on entering the
 * included code is never passed inside the increment, however often drop requests are made (the
 * shortest switch interval). CPython 3.10+ gives {@code x = x + 1} the same guarantee.
 *
 * <p>The interleaving looked for: the two reads before either write. Outcome 1 would be that lost
 * update: forbidden.
 *
 * <p>{@code java -cp stress/target/jcstress.jar dev.baton.stress.Proof -t AgentPlainIncrement}
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "Both increments kept.")
@Outcome(id = "1", expect = Expect.FORBIDDEN, desc = "Lost update: the GIL passed mid-increment.")
@State
public class AgentPlainIncrement {
  private final AgentClasses.Increments x = AgentClasses.increments(false);

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
