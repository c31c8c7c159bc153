package dev.baton.bench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The numbers of one run: JMH's JSON results ({@code -rf json}) and the scenario runners' JSON,
 * looked up by {@link Metric}.
 */
public final class Results {

  /**
   * One JMH result row.
   *
   * @param benchmark the fully qualified benchmark name
   * @param params its parameters
   * @param median the median of its iteration scores (or its p50 for sample-time mode)
   * @param unit JMH's unit of the score
   * @param allocBytesPerOp {@code gc.alloc.rate.norm} when {@code -prof gc} ran, else NaN
   */
  public record JmhRow(
      String benchmark,
      Map<String, String> params,
      double median,
      String unit,
      double allocBytesPerOp) {}

  /**
   * A measured value.
   *
   * @param value the value in the metric's unit
   * @param allocBytesPerOp bytes allocated per operation when measured, else NaN
   */
  public record Value(double value, double allocBytesPerOp) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<JmhRow> jmh = new ArrayList<>();
  private final Map<String, Map<String, Double>> scenarios = new HashMap<>();

  /**
   * Reads a JMH JSON result file.
   *
   * @param file the file written by JMH with {@code -rf json}
   * @throws IOException if it cannot be read or parsed
   */
  public void addJmh(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    if (!root.isArray()) {
      throw new IOException(file + " is not a JMH JSON result (expected an array)");
    }
    for (JsonNode row : root) {
      jmh.add(parseRow(row));
    }
  }

  static JmhRow parseRow(JsonNode row) {
    Map<String, String> params = new HashMap<>();
    JsonNode paramsNode = row.path("params");
    for (Iterator<Map.Entry<String, JsonNode>> it = paramsNode.properties().iterator();
        it.hasNext(); ) {
      var entry = it.next();
      params.put(entry.getKey(), entry.getValue().asText());
    }
    JsonNode primary = row.path("primaryMetric");
    double median = medianOf(primary.path("rawData"));
    if (Double.isNaN(median)) {
      median = primary.path("scorePercentiles").path("50.0").asDouble(Double.NaN);
    }
    double alloc = Double.NaN;
    for (Iterator<Map.Entry<String, JsonNode>> it =
            row.path("secondaryMetrics").properties().iterator();
        it.hasNext(); ) {
      var entry = it.next();
      if (entry.getKey().endsWith("gc.alloc.rate.norm")) {
        alloc = medianOf(entry.getValue().path("rawData"));
        if (Double.isNaN(alloc)) {
          alloc = entry.getValue().path("score").asDouble(Double.NaN);
        }
      }
    }
    return new JmhRow(
        row.path("benchmark").asText(),
        Map.copyOf(params),
        median,
        primary.path("scoreUnit").asText(),
        alloc);
  }

  /**
   * @param rawData JMH's per-fork arrays of iteration scores
   * @return the median of all of them, NaN when there are none
   */
  static double medianOf(JsonNode rawData) {
    List<Double> all = new ArrayList<>();
    for (JsonNode fork : rawData) {
      for (JsonNode score : fork) {
        all.add(score.asDouble());
      }
    }
    return median(all.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /**
   * @param values any values
   * @return their median (mean of the middle two for an even count), NaN when empty
   */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * Reads a scenario runner's output: {@code {"scenario": name, "metrics": {key: number}}}.
   *
   * @param file the runner's JSON file
   * @throws IOException if it cannot be read or parsed
   */
  public void addScenario(Path file) throws IOException {
    JsonNode root = JSON.readTree(file.toFile());
    String name = root.path("scenario").asText();
    if (name.isEmpty()) {
      throw new IOException(file + " has no \"scenario\" name");
    }
    Map<String, Double> metrics = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("metrics").properties().iterator();
        it.hasNext(); ) {
      var entry = it.next();
      metrics.put(entry.getKey(), entry.getValue().asDouble(Double.NaN));
    }
    scenarios.put(name, metrics);
  }

  /**
   * Adds one JMH row read back from a results file.
   *
   * @param row the row
   */
  public void addJmh(JmhRow row) {
    jmh.add(row);
  }

  /**
   * Adds one scenario's metrics read back from a results file.
   *
   * @param name the scenario
   * @param metrics its metrics
   */
  public void addScenario(String name, Map<String, Double> metrics) {
    scenarios.put(name, new HashMap<>(metrics));
  }

  /**
   * @return the JMH rows read so far
   */
  public List<JmhRow> jmhRows() {
    return List.copyOf(jmh);
  }

  /**
   * @return the scenarios read so far, by name
   */
  public Map<String, Map<String, Double>> scenarios() {
    return Map.copyOf(scenarios);
  }

  /**
   * @param metric what to look up
   * @return its value in the metric's unit, or empty when this run did not measure it
   * @throws IllegalStateException if a JMH metric matches more than one row
   */
  public Optional<Value> find(Metric metric) {
    return switch (metric) {
      case Metric.Jmh m -> findJmh(m);
      case Metric.Scenario s -> {
        Double value = scenarios.getOrDefault(s.scenario(), Map.of()).get(s.key());
        yield value == null || value.isNaN()
            ? Optional.empty()
            : Optional.of(new Value(value, Double.NaN));
      }
    };
  }

  private Optional<Value> findJmh(Metric.Jmh metric) {
    List<JmhRow> matches = new ArrayList<>();
    for (JmhRow row : jmh) {
      if (nameMatches(row.benchmark(), metric.benchmark())
          && row.params().entrySet().containsAll(metric.params().entrySet())) {
        matches.add(row);
      }
    }
    if (matches.isEmpty()) {
      return Optional.empty();
    }
    if (matches.size() > 1) {
      throw new IllegalStateException(
          "metric " + metric + " matches " + matches.size() + " JMH rows; give more params");
    }
    JmhRow row = matches.get(0);
    return Optional.of(
        new Value(metric.unit().fromJmh(row.median(), row.unit()), row.allocBytesPerOp()));
  }

  static boolean nameMatches(String fullName, String wanted) {
    return fullName.equals(wanted) || fullName.endsWith("." + wanted);
  }
}
