package dev.baton.bench.report;

import dev.baton.bench.scenario.ScenarioMain;
import dev.baton.bench.scenario.Scenarios;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The one command behind {@code bench/run.sh}: runs every JMH benchmark and every scenario runner
 * with one profile, then writes {@code bench/RESULTS.md} and the README's figures table.
 *
 * <pre>
 * bench/run.sh                 # short profile (about 10 minutes): bench/RESULTS.md + README table
 * bench/run.sh --smoke         # one short iteration of everything (CI); writes under bench/target
 * bench/run.sh --only Netty    # a subset (regex on benchmark and scenario names); under bench/target
 * bench/run.sh --render        # render bench/RESULTS.md and the README table again from the
 *                              # raw results saved in bench/RESULTS.md (no measuring)
 * bench/run.sh --rereport      # the same from the last run's JMH and scenario JSON in bench/target
 * bench/run.sh --note "..."    # a sentence about the load, written into the results
 * </pre>
 *
 * Runs from the repository root (the script changes there).
 */
public final class BenchMain {
  private BenchMain() {}

  /** A profile: how long each benchmark and scenario runs. */
  enum Profile {
    FULL(1, 3, 500, 5, 500, true),
    SMOKE(1, 0, 0, 1, 100, false);

    final int forks;
    final int warmupIterations;
    final int warmupMillis;
    final int iterations;
    final int iterationMillis;
    final boolean gcProfiler;

    Profile(
        int forks,
        int warmupIterations,
        int warmupMillis,
        int iterations,
        int iterationMillis,
        boolean gcProfiler) {
      this.forks = forks;
      this.warmupIterations = warmupIterations;
      this.warmupMillis = warmupMillis;
      this.iterations = iterations;
      this.iterationMillis = iterationMillis;
      this.gcProfiler = gcProfiler;
    }

    String describe() {
      return String.format(
          "JMH: %d fork, %d × %d ms warm-up, %d × %d ms measurement%s; scenario runners: %s size,"
              + " each in its own JVM",
          forks,
          warmupIterations,
          warmupMillis,
          iterations,
          iterationMillis,
          gcProfiler ? ", -prof gc" : "",
          this == FULL ? "full" : "smoke");
    }
  }

  /**
   * @param args see the class comment
   * @throws Exception when a benchmark or scenario fails; the exit status is then non-zero
   */
  public static void main(String[] args) throws Exception {
    Profile profile = Profile.FULL;
    String only = null;
    String note = null;
    boolean render = false;
    boolean rereport = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--smoke" -> profile = Profile.SMOKE;
        case "--only" -> only = value(args, ++i, "--only");
        case "--note" -> note = value(args, ++i, "--note");
        case "--render" -> render = true;
        case "--rereport" -> rereport = true;
        case "-h", "--help" -> {
          System.out.println(
              "usage: bench/run.sh [--smoke] [--only REGEX] [--note TEXT] [--render]"
                  + " [--rereport]");
          return;
        }
        default ->
            throw new IllegalArgumentException(
                "unknown argument '" + args[i] + "': see bench/run.sh --help");
      }
    }
    Path root = Path.of("").toAbsolutePath();
    if (!Files.isRegularFile(root.resolve("bench/pom.xml"))) {
      throw new IllegalStateException(
          "run from the repository root (bench/pom.xml not found under " + root + ")");
    }
    Path committed = root.resolve("bench/RESULTS.md");
    Path readme = root.resolve("README.md");
    if (render) {
      render(committed, readme);
      return;
    }
    if (rereport) {
      rereport(root);
      return;
    }
    System.exit(run(root, profile, only, note, args));
  }

  /**
   * Renders bench/RESULTS.md and the README's table again from the raw results bench/RESULTS.md
   * holds (its full JMH table and scenario list), without measuring: for a changed figure
   * definition or layout. The numbers are the run's own, as RESULTS.md printed them.
   */
  private static void render(Path committed, Path readme) throws IOException {
    Report.Saved saved = Report.readResults(committed);
    String note =
        "- rendered again by `bench/run.sh --render` from the raw results below; its ratios are"
            + " computed from them as printed\n";
    String base = saved.header().strip() + "\n";
    String header = base.contains(note) ? base : base + note;
    List<Report.Row> rows = Report.evaluate(Figures.all(), saved.results());
    Report.writeResults(committed, rows, saved.results(), header);
    Report.spliceReadme(rows, readme, "bench/RESULTS.md");
    System.out.println("wrote bench/RESULTS.md and the README's figures table");
  }

  /**
   * Evaluates the figures again over the last run's saved JSON and header, without measuring: for a
   * corrected figure definition. The numbers are the run's own.
   */
  private static void rereport(Path root) throws IOException {
    Path work = root.resolve("bench/target/bench-run");
    Path header = work.resolve("header.md");
    if (!Files.exists(header)) {
      throw new IllegalStateException("no saved run under " + work + ": run bench/run.sh first");
    }
    String text = Files.readString(header);
    Results results = new Results();
    if (Files.exists(work.resolve("jmh.json"))) {
      results.addJmh(work.resolve("jmh.json"));
    }
    try (var files = Files.list(work.resolve("scenarios"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
        results.addScenario(file);
      }
    }
    boolean official =
        text.contains("- profile: " + Profile.FULL.describe()) && !text.contains("--only");
    Path resultsFile = official ? root.resolve("bench/RESULTS.md") : work.resolve("RESULTS.md");
    List<Report.Row> rows = Report.evaluate(Figures.all(), results);
    Report.writeResults(
        resultsFile,
        rows,
        results,
        text + "- report re-evaluated from the run's saved JSON by `bench/run.sh --rereport`\n");
    System.out.println("wrote " + root.relativize(resultsFile));
    if (official) {
      Report.spliceReadme(rows, root.resolve("README.md"), "bench/RESULTS.md");
      System.out.println("README.md: figures table regenerated");
    }
  }

  private static String quoted(String[] args) {
    List<String> parts = new ArrayList<>();
    for (String arg : args) {
      parts.add(arg.matches("[\\w.:/=-]+") ? arg : "\"" + arg.replace("\"", "\\\"") + "\"");
    }
    return String.join(" ", parts);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int run(Path root, Profile profile, String only, String note, String[] args)
      throws IOException, InterruptedException {
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String loadBefore = Machine.loadAverage();
    Path work = root.resolve("bench/target/bench-run");
    Files.createDirectories(work.resolve("scenarios"));
    List<String> failures = new ArrayList<>();
    Results results = new Results();

    Path jmhJson = work.resolve("jmh.json");
    Files.deleteIfExists(jmhJson);
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .include(only == null ? "dev\\.baton\\.bench\\..*" : only)
            .forks(profile.forks)
            .warmupIterations(profile.warmupIterations)
            .warmupTime(TimeValue.milliseconds(Math.max(1, profile.warmupMillis)))
            .measurementIterations(profile.iterations)
            .measurementTime(TimeValue.milliseconds(profile.iterationMillis))
            .timeout(TimeValue.seconds(120))
            .shouldFailOnError(true)
            .resultFormat(ResultFormatType.JSON)
            .result(jmhJson.toString());
    if (profile.gcProfiler) {
      options.addProfiler(GCProfiler.class);
    }
    boolean jmhRan = true;
    try {
      new Runner(options.build()).run();
    } catch (NoBenchmarksException e) {
      jmhRan = false;
      if (only == null) {
        failures.add("JMH: the jar holds no benchmarks");
      } // else a subset (--only) that names scenarios alone
    } catch (RunnerException e) {
      failures.add("JMH: " + e.getMessage());
      e.printStackTrace();
    }
    if (jmhRan && Files.exists(jmhJson)) {
      results.addJmh(jmhJson);
    } else if (jmhRan) {
      failures.add("JMH wrote no result file");
    }

    Pattern filter = only == null ? null : Pattern.compile(only);
    for (String scenario : Scenarios.names()) {
      if (filter != null && !filter.matcher(scenario).find()) {
        continue;
      }
      Path out = work.resolve("scenarios").resolve(scenario + ".json");
      Files.deleteIfExists(out);
      String failure = runScenario(scenario, profile == Profile.SMOKE, out);
      if (failure != null) {
        failures.add(failure);
      } else {
        results.addScenario(out);
      }
    }

    Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String header =
        "## Run\n\n"
            + "- command: `bench/run.sh"
            + (args.length == 0 ? "" : " " + quoted(args))
            + "`\n"
            + "- profile: "
            + profile.describe()
            + "\n"
            + "- started "
            + start
            + ", took "
            + Duration.between(start, end).toSeconds()
            + " s\n"
            + "- cores: "
            + Machine.cores()
            + "\n"
            + "- JDK: "
            + Machine.jdk()
            + "\n"
            + "- OS: "
            + Machine.os()
            + "\n"
            + "- load average (1/5/15 min): "
            + loadBefore
            + " at start, "
            + Machine.loadAverage()
            + " at end\n"
            + (note == null ? "" : "- conditions: " + note + "\n");
    Files.writeString(work.resolve("header.md"), header);
    List<Report.Row> rows = Report.evaluate(Figures.all(), results);
    boolean official = profile == Profile.FULL && only == null;
    Path resultsFile = official ? root.resolve("bench/RESULTS.md") : work.resolve("RESULTS.md");
    Report.writeResults(resultsFile, rows, results, header);
    System.out.println("wrote " + root.relativize(resultsFile));
    if (official) {
      Report.spliceReadme(rows, root.resolve("README.md"), "bench/RESULTS.md");
      System.out.println("README.md: figures table regenerated");
    } else {
      // the README splice is exercised on a copy, so a lost marker fails the smoke run too
      Path copy = work.resolve("README.md");
      Files.copy(root.resolve("README.md"), copy, StandardCopyOption.REPLACE_EXISTING);
      Report.spliceReadme(rows, copy, "bench/RESULTS.md");
      System.out.println("wrote " + root.relativize(copy) + " (the README with this run's table)");
    }
    long measured = rows.stream().filter(r -> r.ours().isPresent()).count();
    long notMet = rows.stream().filter(r -> Boolean.FALSE.equals(r.met())).count();
    System.out.printf(
        "%d figures: %d measured, %d targets not met; %d JMH rows, %d scenarios; %d s%n",
        rows.size(),
        measured,
        notMet,
        results.jmhRows().size(),
        results.scenarios().size(),
        Duration.between(start, end).toSeconds());
    if (!failures.isEmpty()) {
      System.err.println("FAILED:");
      failures.forEach(f -> System.err.println("  " + f));
      return 1;
    }
    return 0;
  }

  /**
   * Runs one scenario in its own JVM (same java, same class path), bounded in time.
   *
   * @return null on success, else what went wrong
   */
  private static String runScenario(String scenario, boolean smoke, Path out)
      throws IOException, InterruptedException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(Scenarios.byName(scenario).jvmArgs());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add(ScenarioMain.class.getName());
    command.add(scenario);
    command.add("--out");
    command.add(out.toString());
    if (smoke) {
      command.add("--smoke");
    }
    System.out.println("# scenario " + scenario + (smoke ? " (smoke)" : ""));
    Process process = new ProcessBuilder(command).inheritIO().start();
    long limit = smoke ? 60 : 180;
    if (!process.waitFor(limit, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return "scenario " + scenario + ": still running after " + limit + " s, killed";
    }
    if (process.exitValue() != 0) {
      return "scenario " + scenario + ": exit status " + process.exitValue();
    }
    if (!Files.exists(out)) {
      return "scenario " + scenario + ": wrote no result";
    }
    return null;
  }
}
