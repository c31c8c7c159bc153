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
 * The talk's reason for the GIL: plain (non-atomic) reference counts updated by two threads with no
 * lock. Each actor increfs then decrefs one object (see {@link RefcountRace} for the outcomes).
 *
 * <p>The interleaving looked for: both actors read the same count and write the same new value,
 * losing an incref (the object is freed while still referenced: "memory incorrectly released") or a
 * decref (it is never freed: "memory leaks"). Any outcome but "1, 0, 0" is that race, and it must
 * be observed.
 */
@JCStressTest
@Expects(Expects.Race.MUST)
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "Exact: no update lost.")
@Outcome(
    id = "0, 1, .*",
    expect = Expect.ACCEPTABLE_INTERESTING,
    desc = "Premature free: an incref was lost and the object died while referenced.")
@Outcome(
    id = "2, 0, .*",
    expect = Expect.ACCEPTABLE_INTERESTING,
    desc = "Leak: a decref was lost and the object can never be freed.")
@Outcome(
    id = ".*",
    expect = Expect.ACCEPTABLE_INTERESTING,
    desc = "Another wrong count, or a misuse exception after a premature free.")
@State
public class PlainRefcountNoGuardRace extends RefcountRace {
  public PlainRefcountNoGuardRace() {
    share(
        ObjectSpace.builder()
            .name("stress-racy")
            .guard(Guard.none())
            .strategy(RefCountStrategy.PLAIN)
            .allowRacyPlainCounts());
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
