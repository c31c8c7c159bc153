package dev.baton.examples;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command of the examples CLI: runs its experiment, prints human text, and returns its figures,
 * which {@code --json} prints as one JSON object on stdout.
 */
abstract class ExampleCommand implements Callable<Integer> {
  @Mixin CommonOptions common = new CommonOptions();

  @Spec CommandSpec spec;

  /**
   * Runs the experiment.
   *
   * @param out where human-readable text goes
   * @return the figures, in the order they should be printed; keys are snake_case
   * @throws Exception when the experiment cannot run; the CLI reports it and exits non-zero
   */
  abstract Map<String, Object> run(Output out) throws Exception;

  @Override
  public Integer call() throws Exception {
    Output out = new Output(common.json, spec.commandLine().getOut(), spec.commandLine().getErr());
    Map<String, Object> figures = run(out);
    if (common.json) {
      spec.commandLine().getOut().println(Json.write(figures));
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
