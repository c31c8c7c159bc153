package dev.baton.stress;

import dev.baton.gil.GilRuntime;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The GIL's exclusion, under both policies: two actors enter a critical section (holding the GIL,
 * no checkpoint inside) and record whether they found the other one inside.
 *
 * <p>The interleaving looked for: one actor marks itself inside, the other enters before it left.
 * Each result is 1 when that actor saw the section occupied; any 1 is forbidden.
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "The sections never overlapped.")
@Outcome(id = ".*1.*", expect = Expect.FORBIDDEN, desc = "Two holders at once.")
@State
public class GilMutualExclusion {
  int inside;
  int fairOverlap;
  int cpythonOverlap;

  private int enter(GilRuntime runtime) {
    try (var gil = runtime.ensure()) {
      int seen = inside;
      inside = seen + 1;
      int overlap = seen != 0 ? 1 : 0;
      inside = inside - 1;
      return overlap;
    }
  }

  @Actor
  public void first(II_Result r) {
    r.r1 = enter(StressRuntimes.FAIR) | enter(StressRuntimes.CPYTHON);
  }

  @Actor
  public void second(II_Result r) {
    r.r2 = enter(StressRuntimes.FAIR) | enter(StressRuntimes.CPYTHON);
  }
}
