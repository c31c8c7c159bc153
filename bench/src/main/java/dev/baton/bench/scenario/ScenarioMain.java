package dev.baton.bench.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs one scenario and writes {@code {"scenario": name, "metrics": {...}}} as JSON.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar dev.baton.bench.scenario.ScenarioMain NAME [--smoke] [--out FILE]
 * </pre>
 *
 * Without {@code --out} the JSON goes to standard output.
 */
public final class ScenarioMain {
  private ScenarioMain() {}

  /**
   * @param args the scenario's name, then options
   * @throws Exception when the scenario fails (exit status non-zero)
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println(
          "usage: ScenarioMain NAME [--smoke] [--out FILE]; scenarios: "
              + String.join(", ", Scenarios.names()));
      System.exit(2);
    }
    Scenario scenario = Scenarios.byName(args[0]);
    boolean smoke = false;
    Path out = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> smoke = true;
        case "--out" -> {
          if (++i == args.length) {
            throw new IllegalArgumentException("--out needs a file");
          }
          out = Path.of(args[i]);
        }
        default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
      }
    }
    Metrics metrics = new Metrics();
    scenario.run(smoke, metrics);
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("scenario", scenario.name());
    ObjectNode values = root.putObject("metrics");
    for (Map.Entry<String, Double> entry : metrics.ordered().entrySet()) {
      values.put(entry.getKey(), entry.getValue());
      System.out.printf("  %-28s %s%n", entry.getKey(), entry.getValue());
    }
    if (out == null) {
      System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
    } else {
      json.writerWithDefaultPrettyPrinter().writeValue(out.toFile(), root);
    }
    // Event loops and pools in a scenario may leave non-daemon threads behind on failure paths.
    System.exit(0);
  }
}
