package dev.baton.stress;

import dev.baton.gil.GilRuntime;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Hand-off visibility: plain writes made while holding the GIL are seen by the next holder. The
 * writer stores {@code x = 1} then {@code y = 1} under the GIL; the reader, under the GIL, loads
 * {@code y} then {@code x}. The fields are plain: only the GIL's hand-off orders them.
 *
 * <p>The interleaving looked for: the reader sees the later write ({@code y == 1}) but not the
 * earlier one ({@code x == 0}), which would mean the release/acquire pair published the writes out
 * of order. That outcome, "1, 0", is forbidden.
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(id = "0, 0", expect = Expect.ACCEPTABLE, desc = "Reader held the GIL first.")
@Outcome(id = "1, 1", expect = Expect.ACCEPTABLE, desc = "Writer held the GIL first.")
@Outcome(id = "0, 1", expect = Expect.FORBIDDEN, desc = "Saw the earlier write only: impossible.")
@Outcome(id = "1, 0", expect = Expect.FORBIDDEN, desc = "Saw y without x: broken hand-off.")
@State
public class GilHandoffVisibility {
  private static final GilRuntime RUNTIME = StressRuntimes.FAIR;
  int x;
  int y;

  @Actor
  public void writer() {
    try (var gil = RUNTIME.ensure()) {
      x = 1;
      y = 1;
    }
  }

  @Actor
  public void reader(II_Result r) {
    try (var gil = RUNTIME.ensure()) {
      r.r1 = y;
      r.r2 = x;
    }
  }
}
