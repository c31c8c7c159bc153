package dev.baton.examples;

import dev.baton.core.trace.HtmlReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Walks the talk in order: a sentence of the talk before each step, the step's output after it, and
 * a summary table at the end. Steps run in this JVM, one after the other.
 */
@Command(
    name = "tour",
    mixinStandardHelpOptions = true,
    description = {
      "Walk the talk \"An Introduction to Concurrency in Python\" section by section: before each"
          + " step, the talk's words; then the command that reproduces them runs; at the end, a"
          + " summary table. --quick runs every step at its smallest size (as CI does)."
    })
final class TourCommand extends ExampleCommand {

  /**
   * One section of the talk and the command that shows it.
   *
   * @param section the talk's section
   * @param talk a sentence of the talk, quoted
   * @param command the command that runs it
   * @param fullOnly whether {@code --quick} leaves it out (it is slow even at its smallest)
   */
  record Step(String section, String talk, String command, boolean fullOnly) {
    Step(String section, String talk, String command) {
      this(section, talk, command, false);
    }
  }

  /** The talk's sections, in order. */
  static final List<Step> STEPS =
      List.of(
          new Step(
              "CPU-bound tasks: concurrency vs parallelism",
              "A parallel program is one that uses a multiplicity of computational hardware (e.g."
                  + " multiple processor cores) in order to perform computation more quickly.",
              "cpu"),
          new Step(
              "I/O-bound tasks: sending web requests",
              "Let's imagine we need to send multiple web requests. Waiting for the webpages'"
                  + " responses is an I/O-bound operation.",
              "io"),
          new Step(
              "Threading and the race condition",
              "Caveats: race conditions => random bugs. Thread scheduling is non-deterministic!",
              "race"),
          new Step(
              "Asynchronicity: the task that does not cooperate",
              "What if a task does not cooperate? => blocking operations",
              "blocking"),
          new Step(
              "The Global Interpreter Lock",
              "Only one thread executes Python bytecode at a time ... any CPU-bound program"
                  + " becomes, effectively, single-threaded.",
              "gil"),
          new Step(
              "The GIL on a real interpreter: JavaScript",
              "Design choice: Makes the object model implicitly safe against concurrent access ..."
                  + " but any CPU-bound program becomes, effectively, single-threaded.",
              "js"),
          new Step(
              "Is it really so bad? The GIL and I/O",
              "The GIL is always released when doing I/O.",
              "convoy"),
          new Step(
              "Reference counting",
              "The reference count needs protection against race conditions! Otherwise: memory"
                  + " leaks (never released) or incorrectly released memory.",
              "refcount"),
          new Step(
              "How to deal with the GIL: multiprocessing",
              "multithreading -> multiprocessing (+ asyncio)",
              "crash"),
          new Step(
              "The GIL for code that was not written for it",
              "Only one thread executes Python bytecode at a time ... The GIL is always released"
                  + " when doing I/O.",
              "agent"),
          new Step(
              "When one machine is not enough: the pool on a cluster",
              "Multiple processes, multiple CPU cores ... Problems: computation parallelization,"
                  + " sending data between processes",
              "cluster",
              true));

  @Option(names = "--quick", description = "Run every step at its smallest size (as CI does).")
  boolean quick;

  @Option(
      names = "--steps",
      split = ",",
      paramLabel = "COMMAND",
      description = "Run only these steps (comma-separated command names), in the tour's order.")
  List<String> only;

  /** The steps write their own diagrams; the tour adds the page that shows them all. */
  @Override
  boolean tracesItsParts() {
    return true;
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    if (only != null) {
      for (String name : only) {
        if (STEPS.stream().noneMatch(s -> s.command().equals(name))) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--steps: no step runs command '" + name + "'");
        }
      }
    }
    long start = System.nanoTime();
    out.println("A tour of \"An Introduction to Concurrency in Python\", on Baton.");
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("quick", quick);
    Table summary = new Table("#", "section", "command", "seconds", "result");
    HtmlReport report =
        new HtmlReport("Baton: \"An Introduction to Concurrency in Python\", run")
            .paragraph(
                "Each diagram is a real run of ./baton tour"
                    + (quick ? " --quick" : "")
                    + ": blue where a thread, task or worker works, red where it waits for I/O,"
                    + " amber where it waits for the GIL.");
    int number = 0;
    for (Step step : STEPS) {
      if (only != null && !only.contains(step.command())) {
        continue;
      }
      if (quick && step.fullOnly() && only == null) {
        out.printf(
            "%n(./baton %s runs in the full tour only: it starts cluster members)%n",
            step.command());
        continue;
      }
      number++;
      out.println("");
      out.println("=".repeat(78));
      out.printf("%d. %s%n%s%n", number, step.section(), quote(step.talk()));
      CommandLine sub = spec.parent().subcommands().get(step.command());
      if (sub == null || !(sub.getCommand() instanceof ExampleCommand command)) {
        out.printf("   (./baton %s is not in this build yet)%n", step.command());
        summary.row(number, step.section(), step.command(), null, "not in this build yet");
        continue;
      }
      List<String> args = arguments(sub);
      out.printf("   $ ./baton %s%n%n", String.join(" ", prepend(step.command(), args)));
      sub.parseArgs(args.toArray(String[]::new));
      long stepStart = System.nanoTime();
      Map<String, Object> stepFigures = command.execute(out);
      List<Traces.Written> diagrams = command.traces.written();
      if (step.command().equals("race") && plainThreadsLostNothing(stepFigures)) {
        stepFigures = new LinkedHashMap<>(stepFigures);
        stepFigures.put("explored", raceUnderASchedule(sub, command, out));
      }
      double seconds = (System.nanoTime() - stepStart) / 1e9;
      figures.put(step.command(), stepFigures);
      report.paragraph(number + ". " + step.section() + ": \"" + step.talk() + "\"");
      Traces.addFigures(report, diagrams);
      summary.row(number, step.section(), step.command(), seconds, command.summary(stepFigures));
    }
    double total = (System.nanoTime() - start) / 1e9;
    out.println("");
    out.println("=".repeat(78));
    out.printf("Summary (%.1f s in all)%n%n%s", total, summary.render());
    figures.put("seconds", Timing.round(total));
    if (common.traceDir != null) {
      Path index = common.traceDir.resolve("index.html");
      report.write(index);
      out.printf("%nAll diagrams: %s%n", index);
    }
    return figures;
  }

  /** Whether the race step's plain threads lost no update (the machine ran them in turn). */
  static boolean plainThreadsLostNothing(Map<String, Object> raceFigures) {
    return raceFigures.get("no_lock_lost") instanceof Number lost && lost.longValue() == 0;
  }

  /**
   * The race shown through a deterministic schedule, for a run whose real threads did not overlap:
   * {@code race --explore}, its log in a temporary file that is deleted after.
   */
  static Map<String, Object> raceUnderASchedule(
      CommandLine race, ExampleCommand command, Output out) throws Exception {
    out.println("");
    out.println("   The plain threads did not overlap on this machine; the same race under a");
    out.println("   deterministic schedule instead:");
    out.println("   $ ./baton race --explore");
    out.println("");
    Path log = Files.createTempFile("race-schedule", ".json");
    try {
      race.parseArgs("--explore", "--no-progress", "--log", log.toString());
      return command.execute(out);
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /** The talk's words, in quotes, wrapped to 78 columns and indented. */
  static String quote(String talk) {
    StringBuilder out = new StringBuilder();
    StringBuilder line = new StringBuilder("   \"");
    for (String word : talk.split(" ")) {
      if (line.length() + word.length() + 1 > 78 && line.length() > 4) {
        out.append(line.toString().stripTrailing()).append('\n');
        line = new StringBuilder("    ");
      }
      line.append(word).append(' ');
    }
    return out.append(line.toString().stripTrailing()).append('"').toString();
  }

  private List<String> arguments(CommandLine sub) {
    List<String> args = new ArrayList<>();
    if (quick && sub.getCommandSpec().findOption("--quick") != null) {
      args.add("--quick");
    }
    if (common.noProgress) {
      args.add("--no-progress");
    }
    if (common.traceDir != null) {
      args.add("--trace");
      args.add(common.traceDir.toString());
    }
    return args;
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
