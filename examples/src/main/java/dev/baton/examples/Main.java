package dev.baton.examples;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.UsageMessageSpec;

/** The examples command line: every claim of the talk as a command. */
@Command(
    name = "./baton",
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
      JsCommand.class,
      AgentCommand.class,
      ClusterCommand.class,
      StreamsCommand.class,
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
    CommandLine commandLine = new CommandLine(new Main());
    commandLine
        .getHelpSectionMap()
        .put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
    return commandLine;
  }

  /**
   * The list of commands in the usage: each with the first sentence of its description, whole
   * (picocli's default shows the first line, which cuts a sentence that runs on).
   */
  static String commandList(CommandLine.Help help) {
    Map<String, CommandLine.Help> commands = help.subcommands();
    if (commands.isEmpty()) {
      return "";
    }
    int nameWidth = 2 + commands.keySet().stream().mapToInt(String::length).max().orElse(0);
    int width = help.commandSpec().usageMessage().width();
    TextTable table =
        TextTable.forColumns(
            help.colorScheme(),
            new Column(nameWidth + 2, 2, Column.Overflow.SPAN),
            new Column(Math.max(20, width - nameWidth - 2), 2, Column.Overflow.WRAP));
    for (Map.Entry<String, CommandLine.Help> command : commands.entrySet()) {
      UsageMessageSpec usage = command.getValue().commandSpec().usageMessage();
      String[] text = usage.header().length > 0 ? usage.header() : usage.description();
      table.addRowValues(command.getKey(), firstSentence(String.join(" ", text)));
    }
    return table.toString();
  }

  /** The text up to and including its first full stop followed by a capital, a digit or the end. */
  static String firstSentence(String text) {
    String flat = text.replace("%n", " ").replaceAll("\\s+", " ").trim();
    for (int i = flat.indexOf(". "); i >= 0; i = flat.indexOf(". ", i + 1)) {
      if (Character.isUpperCase(flat.charAt(i + 2)) || Character.isDigit(flat.charAt(i + 2))) {
        return flat.substring(0, i + 1);
      }
    }
    return flat;
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
