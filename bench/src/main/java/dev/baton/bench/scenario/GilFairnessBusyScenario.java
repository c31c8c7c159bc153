package dev.baton.bench.scenario;

import dev.baton.gil.GilPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code gil-fairness} with two busy processes beside it, which this scenario starts before and
 * stops after: each is a JVM spinning on one thread ({@link BusyProcess}), so the four GIL threads
 * compete with two more runnable threads for the machine's cores, as on a shared machine. The keys
 * are those of {@link GilFairnessScenario}, per policy, measured in the same run.
 */
final class GilFairnessBusyScenario implements Scenario {
  static final int BUSY_PROCESSES = 2;

  @Override
  public String name() {
    return "gil-fairness-busy";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    long millis = smoke ? 200 : 2_000;
    List<Process> busy = new ArrayList<>();
    try {
      // each spins at most a minute, so none outlives a scenario that died without stopping it
      for (int i = 0; i < BUSY_PROCESSES; i++) {
        busy.add(BusyProcess.start(60));
      }
      for (Process process : busy) {
        BusyProcess.awaitSpinning(process);
      }
      for (GilPolicy policy : List.of(GilPolicy.FAIR, GilPolicy.CPYTHON)) {
        GilFairnessScenario.measure(policy, millis, out, policy.name().toLowerCase(Locale.ROOT));
      }
    } finally {
      for (Process process : busy) {
        process.destroy();
      }
      for (Process process : busy) {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }
}
