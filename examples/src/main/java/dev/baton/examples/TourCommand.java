package dev.baton.examples;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Walks the talk in order: a sentence of the talk before each step, the step's figures after it.
 */
@Command(
    name = "tour",
    mixinStandardHelpOptions = true,
    description = {
      "Walk the talk \"An Introduction to Concurrency in Python\" section by section.",
      "Each step names the talk's claim and the command that reproduces it."
    })
final class TourCommand extends ExampleCommand {

  /** One section of the talk and the command that shows it. */
  record Step(String section, String claim, String command) {}

  /** The talk's sections, in order. */
  static final List<Step> STEPS =
      List.of(
          new Step(
              "Concurrency vs parallelism",
              "Concurrency is about dealing with lots of things at once; parallelism is about"
                  + " doing lots of things at once.",
              "cpu"),
          new Step(
              "Threading and the race condition",
              "Two threads doing x += 1 without a lock lose updates.",
              "race"),
          new Step(
              "I/O-bound work",
              "Threads and an event loop overlap waiting; one process waits in sequence.",
              "io"),
          new Step(
              "The non-cooperating task",
              "A task that blocks stalls the whole event loop.",
              "blocking"),
          new Step(
              "Multiprocessing",
              "Processes run CPU-bound work in parallel, past the GIL.",
              "crash"),
          new Step(
              "The GIL",
              "One lock around the interpreter makes CPU-bound threads take turns.",
              "gil"),
          new Step(
              "The convoy effect",
              "An I/O thread waits behind a CPU-bound thread for the GIL.",
              "convoy"),
          new Step(
              "Reference counting",
              "Reference counts need the GIL, otherwise memory leaks or is freed too early.",
              "refcount"));

  @Option(names = "--quick", description = "Run every step at its smallest size (as CI does).")
  boolean quick;

  @Override
  Map<String, Object> run(Output out) {
    out.println("A tour of \"An Introduction to Concurrency in Python\", on Baton.");
    out.println("");
    List<Map<String, Object>> steps = new java.util.ArrayList<>();
    int i = 1;
    for (Step step : STEPS) {
      boolean available = spec.parent().subcommands().containsKey(step.command());
      out.printf(
          "%d. %s%n   \"%s\"%n   command: %s%s%n",
          i++,
          step.section(),
          step.claim(),
          step.command(),
          available ? "" : " (not in this build yet)");
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("section", step.section());
      s.put("command", step.command());
      s.put("available", available);
      steps.add(s);
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("quick", quick);
    figures.put("steps", steps);
    return figures;
  }
}
