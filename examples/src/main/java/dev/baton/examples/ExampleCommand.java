package dev.baton.examples;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * A command of the examples CLI: runs its experiment, prints human text, and returns its figures,
 * which {@code --json} prints as one JSON object on stdout.
 *
 * <p>{@code --trace DIR} writes the run's timeline as {@code DIR/<command>.svg} and {@code
 * .trace.json}; a command with modes writes one pair per mode instead ({@link #tracesItsParts()}).
 *
 * <p>The tour runs commands in-process through {@link #execute(Output)}, after picocli has parsed
 * their options; a command that offers a smaller run declares a {@code --quick} option, which the
 * tour passes on.
 */
abstract class ExampleCommand implements Callable<Integer> {
  @Mixin CommonOptions common = new CommonOptions();

  @Spec CommandSpec spec;

  /** This run's diagrams; set by {@link #execute(Output)}. */
  Traces traces = new Traces(null, null);

  /**
   * Runs the experiment.
   *
   * @param out where human-readable text goes
   * @return the figures, in the order they should be printed; keys are snake_case
   * @throws Exception when the experiment cannot run; the CLI reports it and exits non-zero
   */
  abstract Map<String, Object> run(Output out) throws Exception;

  /**
   * One line for the tour's summary table: the figures that make the command's point.
   *
   * @param figures what {@link #run(Output)} returned
   * @return a short line; by default the first three figures as {@code key=value}
   */
  String summary(Map<String, Object> figures) {
    StringBuilder line = new StringBuilder();
    figures.entrySet().stream()
        .limit(3)
        .forEach(
            e ->
                line.append(line.isEmpty() ? "" : ", ")
                    .append(e.getKey())
                    .append('=')
                    .append(e.getValue()));
    return line.toString();
  }

  /**
   * Runs the experiment as the command line does, with its options already parsed.
   *
   * @param out where human-readable text goes
   * @return the figures
   * @throws Exception when the experiment cannot run
   */
  Map<String, Object> execute(Output out) throws Exception {
    traces = new Traces(common.traceDir, out);
    if (traces.on() && !tracesItsParts()) {
      String name = spec.name();
      return traces.record(name, "./baton " + name, () -> run(out));
    }
    // a second early: file times may be that coarse
    long since = System.currentTimeMillis() - 1000;
    Map<String, Object> figures = run(out);
    traces.adoptTimelines(spec.name(), since);
    return figures;
  }

  /**
   * @return true when {@link #run(Output)} records its own diagrams through {@link #traces} (one
   *     per mode, say); by default the whole run is one diagram named after the command
   */
  boolean tracesItsParts() {
    return false;
  }

  /**
   * Resolves a {@code --mode} value against the modes this build offers.
   *
   * @param mode the value given, or {@code "all"}
   * @param available the modes, in the order {@code all} runs them
   * @return {@code [mode]}, or every mode for {@code all}
   * @throws ParameterException naming the option and the accepted values for any other value
   */
  List<String> modes(String mode, List<String> available) {
    if ("all".equals(mode)) {
      return available;
    }
    if (available.contains(mode)) {
      return List.of(mode);
    }
    throw new ParameterException(
        spec.commandLine(),
        "--mode must be one of " + String.join(", ", available) + " or all; got '" + mode + "'");
  }

  /**
   * @return whether to draw progress bars on stderr: not with {@code --no-progress}, and only when
   *     stderr is a terminal (a bar's carriage returns garble a log file or a pipe)
   */
  boolean progress() {
    return !common.noProgress && Terminal.STDERR;
  }

  @Override
  public Integer call() throws Exception {
    Output out = new Output(common.json, spec.commandLine().getOut(), spec.commandLine().getErr());
    Map<String, Object> figures = execute(out);
    traces.writeIndex(
        "Baton: ./baton " + spec.name(),
        "Each diagram is a real run of ./baton "
            + spec.name()
            + ": blue where a thread, task or worker works, red where it waits for I/O, amber where"
            + " it waits for the GIL.");
    if (common.json) {
      spec.commandLine().getOut().println(Json.write(figures));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
