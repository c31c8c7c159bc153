package dev.baton.examples;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The examples command line: every claim of the talk as a command. */
@Command(
    name = "baton-examples",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Runnable examples of \"An Introduction to Concurrency in Python\", on Baton's GIL,",
      "event loop and process pool. Start with: tour"
    },
    subcommands = {
      TourCommand.class,
      CpuCommand.class,
      IoCommand.class,
      RaceCommand.class,
      GilCommand.class,
      ConvoyCommand.class,
      BlockingCommand.class,
      RefcountCommand.class,
      CrashCommand.class,
      ClusterCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the command-line arguments
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * @return the configured command line, for tests
   */
  static CommandLine commandLine() {
    return new CommandLine(new Main());
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** Reads the version that Maven filtered into the jar's resources. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties props = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("/baton-examples.properties")) {
        if (in != null) {
          props.load(in);
        }
      }
      return new String[] {
        "baton-examples " + props.getProperty("version", "unknown"),
        "JVM: " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
