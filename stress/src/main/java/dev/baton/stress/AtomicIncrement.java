package dev.baton.stress;

import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * Baseline: the talk's counter with an `AtomicInteger` (one atomic read-modify-write, no lock)
 * around the read-modify-write.
 *
 * <p>The interleaving looked for is the lost update (both actors read 0, both write 1): with the
 * read and the write inside one critical section it cannot happen, so outcome 1 is forbidden and
 * only 2 may be seen.
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "Both increments kept.")
@Outcome(id = "1", expect = Expect.FORBIDDEN, desc = "Lost update.")
@State
public class AtomicIncrement {
  final AtomicInteger x = new AtomicInteger();

  @Actor
  public void first() {
    x.incrementAndGet();
  }

  @Actor
  public void second() {
    x.incrementAndGet();
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = x.get();
  }
}
