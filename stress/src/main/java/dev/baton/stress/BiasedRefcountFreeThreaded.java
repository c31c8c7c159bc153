package dev.baton.stress;

import dev.baton.core.Guard;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RefCountStrategy;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Free-threaded (no GIL, {@link Guard#none()}) with BIASED counts (PEP 703: the owner thread
 * updates a plain local count, other threads an atomic shared one; here both actors are non-owners,
 * so every operation goes to the shared count). Each actor increfs then decrefs one object (see
 * {@link RefcountRace}).
 *
 * <p>The interleaving looked for is a lost update of the count; it must never happen: only "1, 0,
 * 0" is allowed.
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "Exact: no update lost.")
@Outcome(id = ".*", expect = Expect.FORBIDDEN, desc = "A lost update: leak or premature free.")
@State
public class BiasedRefcountFreeThreaded extends RefcountRace {
  public BiasedRefcountFreeThreaded() {
    share(
        ObjectSpace.builder()
            .name("stress-biased")
            .guard(Guard.none())
            .strategy(RefCountStrategy.BIASED));
  }

  @Actor
  public void first() {
    firstErrors = increfDecref();
  }

  @Actor
  public void second() {
    secondErrors = increfDecref();
  }

  @Arbiter
  public void arbiter(III_Result r) {
    report(r);
  }
}
