package dev.baton.bench.scenario;

import java.util.List;

/**
 * A latency-distribution or whole-program measurement that JMH expresses badly: it runs once in its
 * own JVM and reports named numbers (percentiles computed from its sorted samples, throughputs,
 * times).
 */
public interface Scenario {

  /**
   * @return the name used on the command line and in the results
   */
  String name();

  /**
   * Runs the scenario and reports its numbers. Parts whose module is not on the class path are
   * skipped, not faked.
   *
   * @param smoke true for the smoke profile: as short as possible, just enough to prove it works
   * @param out where to put the numbers, keyed as documented by the scenario
   * @throws Exception when the scenario fails
   */
  void run(boolean smoke, Metrics out) throws Exception;

  /**
   * @return options for the JVM the scenario runs in, before the class path (none by default)
   */
  default List<String> jvmArgs() {
    return List.of();
  }
}
