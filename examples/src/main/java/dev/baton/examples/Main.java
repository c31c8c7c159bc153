package dev.baton.examples;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Column;
import picocli.CommandLine.Help.TextTable;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

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
    commandLine.setParameterExceptionHandler(Main::parameterError);
    wrapDescriptions(commandLine);
    return commandLine;
  }

  /**
   * A mistyped command line: what was wrong, the nearest command names for an unknown one, and
   * where the help is, in three lines at most, instead of the whole usage.
   */
  static int parameterError(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    String name = command.getCommandSpec().qualifiedName();
    List<String> near = List.of();
    String typed =
        error instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()
            ? unmatched.getUnmatched().getFirst()
            : null;
    if (typed != null && !typed.startsWith("-") && !command.getSubcommands().isEmpty()) {
      near = nearest(typed, command.getSubcommands().keySet());
      err.println(name + ": there is no command '" + typed + "'");
      near = near.stream().map(n -> name + " " + n).toList();
    } else {
      err.println(name + ": " + error.getMessage());
      if (typed != null && typed.startsWith("--")) {
        String option = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
        near = nearest(option, command.getCommandSpec().optionsMap().keySet());
      }
    }
    if (!near.isEmpty()) {
      err.println("Did you mean " + String.join(" or ", near) + "?");
    } else if (typed != null && typed.startsWith("-")) {
      UnmatchedArgumentException.printSuggestions(error, err);
    }
    err.println("See '" + name + " --help'.");
    err.flush();
    return command.getCommandSpec().exitCodeOnInvalidInput();
  }

  /**
   * The names at the smallest edit distance from {@code typed} (insertions, deletions,
   * substitutions and swaps of two neighbours), if that distance is at most 2 and less than half
   * the name, or that start with it.
   */
  static List<String> nearest(String typed, Iterable<String> names) {
    String t = typed.toLowerCase(Locale.ROOT);
    List<String> best = new ArrayList<>();
    int bestDistance = Integer.MAX_VALUE;
    for (String name : names) {
      int d = name.startsWith(t) && !t.isEmpty() ? 1 : distance(t, name);
      if (d > 2 || 2 * d >= Math.max(name.length(), 2)) {
        continue;
      }
      if (d < bestDistance) {
        best.clear();
        bestDistance = d;
      }
      if (d == bestDistance && !best.contains(name)) {
        best.add(name);
      }
    }
    best.sort(Comparator.naturalOrder());
    return best;
  }

  /** Optimal string alignment distance: Levenshtein's, with a swap of neighbours as one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  /**
   * Every command's description as whole paragraphs wrapped at spaces only: the source writes a
   * description as several strings, which picocli would print as lines of their own and wrap again
   * where one is longer than the usage width (mid-sentence), breaking a long word at a dot
   * (mid-word). An empty string, or one ending in {@code %n}, ends a paragraph.
   */
  static void wrapDescriptions(CommandLine commandLine) {
    UsageMessageSpec usage = commandLine.getCommandSpec().usageMessage();
    usage.description(wrap(usage.description(), usage.width() - 1));
    for (CommandLine sub : commandLine.getSubcommands().values()) {
      wrapDescriptions(sub);
    }
  }

  static String[] wrap(String[] lines, int width) {
    List<String> paragraphs = new ArrayList<>();
    StringBuilder paragraph = new StringBuilder();
    for (String line : lines) {
      boolean ends = line.isBlank() || line.endsWith("%n");
      String text = line.endsWith("%n") ? line.substring(0, line.length() - 2) : line;
      if (!text.isBlank()) {
        paragraph.append(paragraph.isEmpty() ? "" : " ").append(text.strip());
      }
      if (ends) {
        paragraphs.add(paragraph.toString());
        paragraph.setLength(0);
      }
    }
    if (!paragraph.isEmpty()) {
      paragraphs.add(paragraph.toString());
    }
    List<String> out = new ArrayList<>();
    for (int p = 0; p < paragraphs.size(); p++) {
      if (p > 0) {
        out.add("");
      }
      StringBuilder line = new StringBuilder();
      for (String word : paragraphs.get(p).split(" +")) {
        if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
          out.add(line.toString());
          line.setLength(0);
        }
        line.append(line.isEmpty() ? "" : " ").append(word);
      }
      if (!line.isEmpty()) {
        out.add(line.toString());
      }
    }
    return out.toArray(String[]::new);
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
