package dev.baton.examples;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every example command takes. */
final class CommonOptions {
  @Option(
      names = "--json",
      description =
          "Print exactly one JSON object with the command's figures on stdout; human text goes to"
              + " stderr.")
  boolean json;

  @Option(
      names = "--trace",
      paramLabel = "DIR",
      description = "Write the run's timeline diagrams into DIR.")
  Path traceDir;

  @Option(
      names = "--no-progress",
      description = "Draw no progress bar on stderr while the example runs.")
  boolean noProgress;
}
