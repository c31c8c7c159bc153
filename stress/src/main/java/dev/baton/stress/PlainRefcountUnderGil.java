package dev.baton.stress;

import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RefCountStrategy;
import dev.baton.gil.GilRuntime;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The same plain reference counts as {@link PlainRefcountNoGuardRace}, guarded by a GIL: each actor
 * holds the runtime's GIL while it increfs and decrefs, with drop requests being made all the time
 * (the shortest switch interval). Every refcount operation is a checkpoint, taken before the count
 * is read, so the GIL can change hands between two operations but never inside one.
 *
 * <p>The interleaving looked for is a lost update of the count; it must never happen: only "1, 0,
 * 0" is allowed.
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(id = "1, 0, 0", expect = Expect.ACCEPTABLE, desc = "Exact: no update lost.")
@Outcome(id = ".*", expect = Expect.FORBIDDEN, desc = "A lost update: leak or premature free.")
@State
public class PlainRefcountUnderGil extends RefcountRace {
  private static final GilRuntime RUNTIME = StressRuntimes.EAGER;

  public PlainRefcountUnderGil() {
    try (var gil = RUNTIME.ensure()) {
      share(
          ObjectSpace.builder()
              .name("stress-gil")
              .guard(RUNTIME.gil())
              .strategy(RefCountStrategy.PLAIN));
    }
  }

  @Actor
  public void first() {
    try (var gil = RUNTIME.ensure()) {
      firstErrors = increfDecref();
    }
  }

  @Actor
  public void second() {
    try (var gil = RUNTIME.ensure()) {
      secondErrors = increfDecref();
    }
  }

  @Arbiter
  public void arbiter(III_Result r) {
    try (var gil = RUNTIME.ensure()) {
      report(r);
    }
  }
}
