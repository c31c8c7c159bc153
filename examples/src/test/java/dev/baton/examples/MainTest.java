package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {

  record Run(int exit, String out, String err) {}

  static Run run(String... args) {
    CommandLine cli = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void tourJsonHoldsEachCommandsFiguresUnderItsName() throws Exception {
    Run run = run("tour", "--quick", "--json", "--no-progress", "--steps", "race,refcount");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("quick").asBoolean()).isTrue();
    assertThat(node.get("race").get("lock_lost").asLong()).isZero();
    assertThat(node.get("refcount").isObject()).isTrue();
    assertThat(node.has("io")).isFalse();
    assertThat(run.err())
        .contains("A tour of")
        .contains("$ ./baton race --quick --no-progress")
        .contains("Summary");
  }

  @Test
  void tourWithoutJsonPrintsTextOnStdout() {
    Run run = run("tour", "--quick", "--no-progress", "--steps", "race");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Threading and the race condition")
        .contains("Caveats: race conditions")
        .doesNotContain("{");
  }

  @Test
  void tourTraceWritesEachStepsDiagramsAndAPageOfThemAll(@TempDir Path dir) throws Exception {
    Run run =
        run(
            "tour",
            "--quick",
            "--no-progress",
            "--steps",
            "race,refcount",
            "--trace",
            dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    for (String name : new String[] {"race", "refcount"}) {
      assertThat(dir.resolve(name + ".svg")).as(name).isNotEmptyFile();
      assertThat(dir.resolve(name + ".trace.json")).as(name).isNotEmptyFile();
    }
    String index = Files.readString(dir.resolve("index.html"));
    assertThat(index)
        .contains("<img src=\"race.svg\"")
        .contains("<img src=\"refcount.svg\"")
        .contains("<a href=\"race.trace.json\">")
        .contains("Threading and the race condition");
  }

  @Test
  void tourRejectsAnUnknownStep() {
    Run run = run("tour", "--steps", "nope");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("--steps: no step runs command 'nope'");
  }

  @Test
  void versionAndHelpWork() {
    Run version = run("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).contains("baton-examples");
    Run help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("tour");
  }

  @Test
  void unknownCommandFailsInALineAndPointsToTheHelp() {
    Run run = run("no-such-command");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().lines().toList())
        .containsExactly("./baton: there is no command 'no-such-command'", "See './baton --help'.");
  }

  @Test
  void aMistypedCommandWithTwoLettersSwappedSuggestsTheCommandNotTheWholeUsage() {
    Run run = run("tuor");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err().lines().toList())
        .containsExactly(
            "./baton: there is no command 'tuor'",
            "Did you mean ./baton tour?",
            "See './baton --help'.");
  }

  @Test
  void aMistypedOptionSuggestsTheOption() {
    Run run = run("cpu", "--mdoe", "threads");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("Did you mean --mode?").contains("See './baton cpu --help'.");
    assertThat(run.err().lines().count()).isLessThanOrEqualTo(3);
  }

  @Test
  void eachCommandsHelpWrapsAtSpacesWithinTheWidthAndKeepsEveryWordWhole() {
    CommandLine cli = Main.commandLine();
    for (Map.Entry<String, CommandLine> command : cli.getSubcommands().entrySet()) {
      if (command.getKey().equals("help")) {
        continue;
      }
      String help = command.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF);
      Set<String> words = new HashSet<>(Arrays.asList(help.split("\\s+")));
      String description =
          String.join(" ", command.getValue().getCommandSpec().usageMessage().description());
      for (String word : description.split("\\s+")) {
        assertThat(words).as("%s --help keeps '%s' whole", command.getKey(), word).contains(word);
      }
      for (String line : help.lines().toList()) {
        assertThat(line.length())
            .as("%s --help: %s", command.getKey(), line)
            .isLessThanOrEqualTo(80);
      }
    }
  }

  @Test
  void descriptionsAreWrappedGreedilyAsParagraphs() {
    String[] lines =
        Main.wrap(new String[] {"one two three", "four five six seven%n", "eight", "", "nine"}, 14);
    assertThat(lines)
        .containsExactly("one two three", "four five six", "seven", "", "eight", "", "nine");
  }

  @Test
  void ioTraceWritesAPageOfItsDiagramsEachLinkedToItsTimeline(@TempDir Path dir) throws Exception {
    Run run = run("io", "--quick", "--no-progress", "--trace", dir.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    String index = Files.readString(dir.resolve("index.html"));
    assertThat(index)
        .contains("<img src=\"io-threads.svg\"")
        .contains("<a href=\"io-threads.trace.json\">");
    assertThat(run.out()).contains("All diagrams: " + dir.resolve("index.html"));
    assertThat(run.out()).doesNotContain(" 1 lanes");
  }

  @Test
  void theTourShowsTheRaceThroughAScheduleOnlyWhenThePlainThreadsLostNothing() {
    assertThat(TourCommand.plainThreadsLostNothing(Map.of("no_lock_lost", 0L))).isTrue();
    assertThat(TourCommand.plainThreadsLostNothing(Map.of("no_lock_lost", 12L))).isFalse();
    assertThat(TourCommand.plainThreadsLostNothing(Map.of())).isFalse();
  }

  @Test
  void theRaceUnderAScheduleLosesAnUpdateAndLeavesNoFileBehind() throws Exception {
    CommandLine cli = Main.commandLine();
    cli.parseArgs("race", "--quick", "--no-progress"); // as the tour runs its steps
    CommandLine race = cli.getSubcommands().get("race");
    StringWriter text = new StringWriter();
    PrintWriter writer = new PrintWriter(text, true);
    Map<String, Object> explored =
        TourCommand.raceUnderASchedule(
            race, (ExampleCommand) race.getCommand(), new Output(false, writer, writer));
    assertThat(((Number) explored.get("lost")).longValue()).as(text.toString()).isPositive();
    assertThat(text.toString()).contains("deterministic schedule");
    assertThat(Path.of("race-schedule.json")).doesNotExist();
  }

  @Test
  void raceExploreWritesItsLogWhereTold(@TempDir Path dir) {
    Path log = dir.resolve("schedule.json");
    Run run = run("race", "--explore", "--no-progress", "--log", log.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(log).isNotEmptyFile();
  }

  @Test
  void countsAgreeWithTheirNoun() {
    assertThat(Traces.count(1, "lane")).isEqualTo("1 lane");
    assertThat(Traces.count(2, "lane")).isEqualTo("2 lanes");
    assertThat(Traces.count(0, "span")).isEqualTo("0 spans");
  }

  @Test
  void helpNamesTheScriptAndGivesEachCommandAWholeSentence() {
    Run help = run("--help");
    assertThat(help.out()).startsWith("Usage: ./baton ");
    String list = help.out().substring(help.out().indexOf("Commands:"));
    // each command's entry, its wrapped lines joined, ends a sentence
    String[] entries = list.substring(list.indexOf('\n') + 1).split("\n(?=  \\S)");
    assertThat(entries).hasSizeGreaterThan(5);
    for (String entry : entries) {
      assertThat(entry.strip()).as(entry).endsWith(".");
    }
  }

  @Test
  void aMistypedCommandSuggestsTheClosestOne() {
    Run run = run("cpuu");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("Did you mean ./baton cpu?");
  }

  @Test
  void theFirstSentenceStopsAtAFullStopBeforeACapital() {
    assertThat(Main.firstSentence("Run it, as in x. y. Then more."))
        .isEqualTo("Run it, as in x. y.");
    assertThat(Main.firstSentence("No stop at all")).isEqualTo("No stop at all");
  }
}
