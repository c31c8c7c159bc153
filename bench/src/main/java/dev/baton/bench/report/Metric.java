package dev.baton.bench.report;

import java.util.Map;

/**
 * Where a figure's number comes from: a JMH benchmark (with its parameters) or a key of a scenario
 * runner's output.
 */
public sealed interface Metric {

  /**
   * @return the unit the number is stated in
   */
  Unit unit();

  /**
   * @return a short name for the table, e.g. "ReentrantLock (unfair)"
   */
  String label();

  /**
   * A JMH benchmark's score: the median of its measurement iterations, or its p50 for a sample-time
   * benchmark.
   *
   * @param benchmark {@code Class.method} (the package may be left out)
   * @param params the parameter values that select the row; other parameters must not vary
   * @param unit the unit to state it in
   * @param label a short name for the table
   */
  record Jmh(String benchmark, Map<String, String> params, Unit unit, String label)
      implements Metric {}

  /**
   * A number a scenario runner reported.
   *
   * @param scenario the scenario's name
   * @param key the key in its output
   * @param unit the unit the runner reports it in
   * @param label a short name for the table
   */
  record Scenario(String scenario, String key, Unit unit, String label) implements Metric {}

  /**
   * @param benchmark {@code Class.method}
   * @param unit the unit
   * @param label a short name
   * @param params {@code name=value} pairs
   * @return a JMH metric
   */
  static Metric jmh(String benchmark, Unit unit, String label, String... params) {
    var map = new java.util.LinkedHashMap<String, String>();
    for (String param : params) {
      int eq = param.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("param must be name=value, got: " + param);
      }
      map.put(param.substring(0, eq), param.substring(eq + 1));
    }
    return new Jmh(benchmark, Map.copyOf(map), unit, label);
  }

  /**
   * @param scenario the scenario's name
   * @param key the key in its output
   * @param unit the unit
   * @param label a short name
   * @return a scenario metric
   */
  static Metric scenario(String scenario, String key, Unit unit, String label) {
    return new Scenario(scenario, key, unit, label);
  }
}
