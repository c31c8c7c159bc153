package dev.baton.stress;

import dev.baton.core.object.LeakDetection;
import dev.baton.core.object.ObjectSpace;
import dev.baton.core.object.RcBox;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * The shape every reference-count proof shares: an object born with one reference (its close action
 * counts deallocations), two actors that each incref and then decref it, and an arbiter that
 * reports the final count, the number of deallocations and the number of misuse exceptions seen.
 *
 * <p>The exact outcome is "1, 0, 0": the creator's reference is left, nothing was freed, nothing
 * failed. A lost incref shows as "0, 1, …" (freed while its creator still holds it: a premature
 * free, and a later use fails); a lost decref as "2, 0, …" (a leak: the count can never reach
 * zero).
 *
 * <p>Each proof still declares its own {@code @Actor} and {@code @Arbiter} methods, calling {@link
 * #increfDecref()} and {@link #report}: jcstress 0.16 reads them only from the test class itself
 * (inherited ones fail its annotation processor with "defines no @Result").
 */
abstract class RefcountRace {
  final AtomicInteger deallocations = new AtomicInteger();
  RcBox<String> object;
  int firstErrors;
  int secondErrors;

  /**
   * Creates the shared object, with its one reference, in a space made by {@code space}. Leak
   * detection is off: the racy proofs leak by design.
   */
  final void share(ObjectSpace.Builder space) {
    object =
        space
            .leakDetection(LeakDetection.DISABLED)
            .build()
            .newBox("shared", value -> deallocations.incrementAndGet());
  }

  /** Runs one actor's incref-then-decref; returns the misuse exceptions it met (0 or 1). */
  int increfDecref() {
    try {
      object.incref();
      object.decref();
      return 0;
    } catch (RuntimeException misuse) {
      return 1;
    }
  }

  void report(III_Result r) {
    r.r1 = (int) object.refCount();
    r.r2 = deallocations.get();
    r.r3 = firstErrors + secondErrors;
  }
}
