package dev.baton.bench.scenario;

import java.util.List;

/** Every scenario runner, in the order the full profile runs them. */
public final class Scenarios {
  private Scenarios() {}

  /**
   * @return the scenarios
   */
  public static List<Scenario> all() {
    return List.of(
        new HandoffScenario(),
        new GilCpuScenario(),
        new GilFairnessScenario(),
        new GilFairnessBusyScenario(),
        new ConvoyScenario(),
        new AgentSwitchScenario(),
        new AgentBlockingScenario(true),
        new AgentBlockingScenario(false),
        new LoopLatencyScenario(),
        new TimerLatenessScenario(),
        new TcpEchoScenario(),
        new TlsEchoScenario(),
        new TransportsScenario(),
        new PoolStartupScenario(),
        new PoolCpuScenario(),
        new PoolSharedMemoryScenario(),
        new ClusterScenario());
  }

  /**
   * @return their names
   */
  public static List<String> names() {
    return all().stream().map(Scenario::name).toList();
  }

  /**
   * @param name a scenario's name
   * @return the scenario
   * @throws IllegalArgumentException naming the known scenarios when there is none by that name
   */
  public static Scenario byName(String name) {
    return all().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no scenario named '" + name + "'; known: " + String.join(", ", names())));
  }
}
