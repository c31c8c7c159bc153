package dev.baton.stress;

import dev.baton.gil.GilLock;
import dev.baton.gil.GilRuntime;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;

/**
 * The fix the talk gives: a {@code threading.Lock} ({@link GilLock}) around the read-modify-write,
 * under the GIL, with the same checkpoint between read and write and the same drop requests as
 * {@link GilIncrementWithCheckpoint}.
 *
 * <p>The GIL still changes hands at the checkpoint, but the other actor then waits for the lock
 * (releasing the GIL while it waits), so the lost update, outcome 1, is forbidden.
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(id = "2", expect = Expect.ACCEPTABLE, desc = "Both increments kept.")
@Outcome(id = "1", expect = Expect.FORBIDDEN, desc = "Lost update.")
@State
public class GilLockIncrement {
  private static final GilRuntime RUNTIME = StressRuntimes.EAGER;
  final GilLock lock = new GilLock();
  int x;

  private void increment() {
    try (var gil = RUNTIME.ensure()) {
      lock.lock();
      try {
        int v = x;
        RUNTIME.gil().checkpoint();
        x = v + 1;
      } finally {
        lock.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the lock", e);
    }
  }

  @Actor
  public void first() {
    increment();
  }

  @Actor
  public void second() {
    increment();
  }

  @Arbiter
  public void arbiter(I_Result r) {
    r.r1 = x;
  }
}
