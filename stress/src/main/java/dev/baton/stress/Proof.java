package dev.baton.stress;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.GradingResult;
import org.openjdk.jcstress.infra.grading.TestGrading;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs Baton's jcstress tests and checks each against its {@link Expects} verdict: an unguarded
 * variant must have raced, a guarded one must never have.
 *
 * <p>{@code java -cp stress/target/jcstress.jar dev.baton.stress.Proof [--mode M] [--json]} prints
 * a table (or, with {@code --json}, exactly one JSON object on stdout, jcstress's own output going
 * to stderr) and exits 1 when any verdict fails or a test did not run.
 */
@Command(
    name = "proof",
    mixinStandardHelpOptions = true,
    description = "Run the race proofs through jcstress and check every verdict.")
public final class Proof implements Callable<Integer> {

  @Option(
      names = "--mode",
      defaultValue = "quick",
      description =
          "jcstress preset: sanity, quick, default, tough or stress (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--json", description = "Print one JSON object on stdout instead of the table.")
  boolean json;

  @Option(
      names = "--tests",
      defaultValue = "dev\\.baton\\.stress\\..*",
      description = "Regular expression selecting the tests (default: all of Baton's).")
  String tests;

  @Option(
      names = "--parse",
      paramLabel = "FILE",
      description =
          "Grade an earlier jcstress result file (jcstress-results-*.bin.gz) instead of running.")
  Path parse;

  @Option(
      names = "--cpus",
      description = "CPUs jcstress may use (default: all).",
      defaultValue = "0")
  int cpus;

  /** One test's verdict. */
  record Verdict(
      String name, long samples, long raced, Expects.Race expect, boolean ran, String error) {
    boolean ok() {
      if (!ran || error != null) {
        return false;
      }
      return expect == Expects.Race.MUST ? raced > 0 : raced == 0;
    }
  }

  /**
   * @param args see the class documentation
   */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Proof()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (!List.of("sanity", "quick", "default", "tough", "stress").contains(mode)) {
      throw new CommandLine.ParameterException(
          new CommandLine(this),
          "--mode must be one of sanity, quick, default, tough, stress; got '" + mode + "'");
    }
    PrintStream stdout = System.out;
    Path report = Files.createTempDirectory("baton-proof-report-");
    List<String> argv = new ArrayList<>(List.of("-m", mode, "-t", tests, "-r", report.toString()));
    if (Runtime.version().feature() >= 24) {
      // JCTools (the event loop's queues) still reads fields through sun.misc.Unsafe: allow it
      // quietly in the forked VMs rather than print the JDK's deprecation banner in every fork.
      // jcstress binds threads to CPUs through JNA: allow its native access quietly too.
      argv.addAll(
          List.of(
              "-jvmArgsPrepend",
              "--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"));
    }
    if (cpus > 0) {
      argv.addAll(List.of("-c", Integer.toString(cpus)));
    }
    Map<String, Verdict> verdicts;
    if (json) {
      // jcstress talks on stdout from the option parsing on (the CPU probe's "Burning up ..."):
      // with --json, stdout carries the JSON object alone.
      System.setOut(System.err);
    }
    Path ownResultFile = null;
    try {
      Options options = new Options(argv.toArray(String[]::new));
      if (!options.parse()) {
        return 2;
      }
      JCStress jcstress = new JCStress(options);
      List<String> selected = new ArrayList<>(jcstress.getTests());
      Path resultFile;
      if (parse != null) {
        resultFile = parse;
      } else {
        // jcstress writes its result blob into the working directory; it is ours to delete,
        // whatever happens to the run.
        ownResultFile = Path.of(options.getResultFile());
        resultFile = ownResultFile;
        try {
          jcstress.run();
        } catch (AssertionError failures) {
          // jcstress ends a run with a forbidden outcome this way, after writing every result:
          // the verdicts below report it, test by test.
        }
      }
      verdicts = grade(selected, resultFile);
    } finally {
      System.setOut(stdout);
      if (ownResultFile != null) {
        Files.deleteIfExists(ownResultFile);
      }
      deleteTree(report); // jcstress's HTML report: the verdicts above are what we print
    }
    boolean ok = !verdicts.isEmpty() && verdicts.values().stream().allMatch(Verdict::ok);
    if (json) {
      stdout.println(toJson(verdicts.values(), ok));
    } else {
      printTable(stdout, verdicts.values(), ok);
    }
    return ok ? 0 : 1;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  static Map<String, Verdict> grade(List<String> selected, Path resultFile) throws Exception {
    InProcessCollector collector = new InProcessCollector();
    if (Files.exists(resultFile)) {
      DiskReadCollector reader = new DiskReadCollector(resultFile.toString(), collector);
      reader.dump();
      reader.close();
    }
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, String> errors = new TreeMap<>();
    for (TestResult result : collector.getTestResults()) {
      long[] c = counts.computeIfAbsent(result.getName(), k -> new long[2]);
      c[0] += result.getTotalCount();
      if (result.status() != Status.NORMAL) {
        errors.put(
            result.getName(), result.status() + ": " + String.join(" ", result.getMessages()));
        continue;
      }
      for (GradingResult g : TestGrading.grade(result).gradingResults.values()) {
        if (g.expect == Expect.ACCEPTABLE_INTERESTING || g.expect == Expect.FORBIDDEN) {
          c[1] += g.count;
        }
      }
    }
    Map<String, Verdict> verdicts = new TreeMap<>();
    for (String name : selected) {
      Expects expects = Class.forName(name).getAnnotation(Expects.class);
      if (expects == null) {
        throw new IllegalStateException(
            name + " has no @Expects: every proof test must say whether it must race");
      }
      long[] c = counts.get(name);
      verdicts.put(
          name,
          new Verdict(
              name,
              c == null ? 0 : c[0],
              c == null ? 0 : c[1],
              expects.value(),
              c != null,
              errors.get(name)));
    }
    return verdicts;
  }

  static void printTable(PrintStream out, Iterable<Verdict> verdicts, boolean ok) {
    String format = "%-44s %14s %14s %8s  %-16s %s%n";
    out.printf(format, "test", "samples", "raced", "raced %", "expectation", "verdict");
    for (Verdict v : verdicts) {
      out.printf(
          format,
          shortName(v.name()),
          String.format(Locale.ROOT, "%,d", v.samples()),
          String.format(Locale.ROOT, "%,d", v.raced()),
          v.samples() == 0
              ? "-"
              : String.format(Locale.ROOT, "%.3f", 100.0 * v.raced() / v.samples()),
          v.expect() == Expects.Race.MUST ? "must race" : "must never race",
          v.ok()
              ? "OK"
              : "FAILED"
                  + (v.ran() ? "" : " (did not run)")
                  + (v.error() == null ? "" : " (" + v.error() + ")"));
    }
    out.println(ok ? "All verdicts hold." : "Some verdicts FAILED.");
  }

  static String toJson(Iterable<Verdict> verdicts, boolean ok) {
    StringBuilder sb = new StringBuilder("{\"tests\":[");
    boolean first = true;
    for (Verdict v : verdicts) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append("{\"name\":\"")
          .append(shortName(v.name()))
          .append("\",\"samples\":")
          .append(v.samples())
          .append(",\"raced\":")
          .append(v.raced())
          .append(",\"expect\":\"")
          .append(v.expect() == Expects.Race.MUST ? "race" : "never")
          .append("\",\"ok\":")
          .append(v.ok())
          .append('}');
    }
    return sb.append("],\"ok\":").append(ok).append('}').toString();
  }

  private static String shortName(String name) {
    return name.substring(name.lastIndexOf('.') + 1);
  }
}
