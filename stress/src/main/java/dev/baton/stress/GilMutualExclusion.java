package dev.baton.stress;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The GIL's exclusion, under both policies: two actors enter a critical section of the FAIR
 * runtime, then one of the CPYTHON runtime (each holding that runtime's GIL, no checkpoint inside),
 * and record whether they found the other one inside the same runtime's section. The two runtimes
 * are independent (per-interpreter GILs), so each has its own occupancy count.
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
  /** Holders inside the FAIR runtime's section; guarded by that runtime's GIL. */
  int insideFair;

  /** Holders inside the CPYTHON runtime's section; guarded by that runtime's GIL. */
  int insideCpython;

  private int enterFair() {
    try (var gil = StressRuntimes.FAIR.ensure()) {
      int seen = insideFair;
      insideFair = seen + 1;
      int overlap = seen != 0 ? 1 : 0;
      insideFair = insideFair - 1;
      return overlap;
    }
  }

  private int enterCpython() {
    try (var gil = StressRuntimes.CPYTHON.ensure()) {
      int seen = insideCpython;
      insideCpython = seen + 1;
      int overlap = seen != 0 ? 1 : 0;
      insideCpython = insideCpython - 1;
      return overlap;
    }
  }

  @Actor
  public void first(II_Result r) {
    r.r1 = enterFair() | enterCpython();
  }

  @Actor
  public void second(II_Result r) {
    r.r2 = enterFair() | enterCpython();
  }
}
