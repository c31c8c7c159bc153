package dev.baton.examples;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The talk in plain Java: the race and the CPU- and I/O-bound programs of {@code
 * dev.baton.examples.plain}, which make no Baton call, run in child JVMs without and with the Baton
 * agent. With it they behave as their Python versions do under CPython's GIL.
 */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "The talk's programs in plain Java (no Baton call in them), each run in a child JVM without"
          + " and with -javaagent:baton-agent.jar=include=dev.baton.examples.plain. With the"
          + " agent: counter = counter + 1 from two threads loses no update (no checkpoint between"
          + " the read and the write, as in CPython 3.10+), a call between the read and the write"
          + " loses them again (its entry is a checkpoint), two CPU-bound threads take as long as"
          + " one doing all the work, and threads that sleep (I/O) still overlap."
    })
final class AgentCommand extends ExampleCommand {
  private static final String PLAIN = "dev.baton.examples.plain.";
  private static final Pattern LOST = Pattern.compile("lost=(\\d+)");
  private static final Pattern ELAPSED = Pattern.compile("elapsed_ms=([0-9.]+)");
  private static final Pattern AT_EXIT =
      Pattern.compile("at exit: (\\d+) acquisitions, (\\d+) forced switches");

  @Option(
      names = "--agent-jar",
      paramLabel = "JAR",
      description =
          "The agent jar (default: agent/target/baton-agent.jar of this checkout; build it with"
              + " ./mvnw -pl agent -am package).")
  Path agentJar;

  @Option(
      names = "--interval-ms",
      defaultValue = "5",
      description = "The agent's switch interval in milliseconds (default: ${DEFAULT-VALUE}).")
  int intervalMillis;

  @Option(names = "--quick", description = "Smaller runs, one round.")
  boolean quick;

  @Option(
      names = "--repeat",
      description =
          "Rounds of the CPU runs, whose medians are compared (default: 3; 1 with --quick).")
  Integer repeat;

  /** One child JVM's run: what it printed, and what the agent logged. */
  record ChildRun(String out, String err) {
    long lost() {
      return group(LOST, out, 1);
    }

    double elapsedMillis() {
      Matcher m = ELAPSED.matcher(out);
      if (!m.find()) {
        throw new IllegalStateException("the child printed no elapsed_ms: " + out + err);
      }
      return Double.parseDouble(m.group(1));
    }

    long forcedSwitches() {
      return group(AT_EXIT, err, 2);
    }

    private static long group(Pattern pattern, String text, int group) {
      Matcher m = pattern.matcher(text);
      if (!m.find()) {
        throw new IllegalStateException("expected " + pattern + " in the child's output: " + text);
      }
      return Long.parseLong(m.group(group));
    }
  }

  @Override
  boolean tracesItsParts() {
    return true;
  }

  @Override
  String summary(Map<String, Object> figures) {
    return String.format(
        "lost: plain %s without, %s with, call %s with; cpu ratio %.2f without, %.2f with",
        figures.get("plain_lost_without"),
        figures.get("plain_lost_with"),
        figures.get("call_lost_with"),
        (Double) figures.get("cpu_ratio_without"),
        (Double) figures.get("cpu_ratio_with"));
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    if (intervalMillis < 1) {
      throw new IllegalArgumentException("--interval-ms must be at least 1, got " + intervalMillis);
    }
    Path jar = agentJar != null ? agentJar : findAgentJar();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalArgumentException(
          "no agent jar at "
              + jar
              + ": build it with ./mvnw -pl agent -am package, or pass --agent-jar");
    }
    int rounds = repeat != null ? repeat : quick ? 1 : 3;
    if (rounds < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1, got " + rounds);
    }
    int increments = quick ? 500_000 : 2_000_000;
    long work = quick ? 100_000_000L : 400_000_000L;
    int waits = 16;
    long waitMillis = quick ? 10 : 25;
    String agent = "-javaagent:" + jar + "=include=" + PLAIN + ",interval=" + intervalMillis + "ms";

    out.println("The talk's programs in plain Java, in child JVMs, without and with");
    out.printf("  %s%n%n", agent);

    long plainWithout = child(null, "PlainRace", "plain", "" + increments).lost();
    int plainTries = 1;
    for (; plainTries < RaceCommand.NO_LOCK_TRIES && plainWithout == 0; plainTries++) {
      // a busy machine may have run the two threads one after the other
      plainWithout = child(null, "PlainRace", "plain", "" + increments).lost();
    }
    long plainWith = child(agent, "PlainRace", "plain", "" + increments).lost();
    long callWithout = child(null, "PlainRace", "call", "" + increments).lost();
    long callWith = child(agent, "PlainRace", "call", "" + increments).lost();

    String cpuAgent = agent;
    Path trace = null;
    if (traces.on()) {
      trace = common.traceDir.resolve("agent-cpu.trace.json").toAbsolutePath();
      Files.createDirectories(common.traceDir);
      cpuAgent = agent + ",trace=" + trace;
    }
    // interleaved rounds, medians: a burst of load on the machine hits every variant alike
    double[] cpuOneWithoutRuns = new double[rounds];
    double[] cpuTwoWithoutRuns = new double[rounds];
    double[] cpuOneWithRuns = new double[rounds];
    double[] cpuTwoWithRuns = new double[rounds];
    long cpuSwitches = 0;
    for (int r = 0; r < rounds; r++) {
      cpuOneWithoutRuns[r] = child(null, "PlainCpu", "1", "" + work).elapsedMillis();
      cpuTwoWithoutRuns[r] = child(null, "PlainCpu", "2", "" + work).elapsedMillis();
      cpuOneWithRuns[r] = child(agent, "PlainCpu", "1", "" + work).elapsedMillis();
      ChildRun cpuTwo = child(r == rounds - 1 ? cpuAgent : agent, "PlainCpu", "2", "" + work);
      cpuTwoWithRuns[r] = cpuTwo.elapsedMillis();
      cpuSwitches = cpuTwo.forcedSwitches();
    }
    double cpuOneWithout = median(cpuOneWithoutRuns);
    double cpuTwoWithout = median(cpuTwoWithoutRuns);
    double cpuOneWith = median(cpuOneWithRuns);
    double cpuTwoWith = cpuTwoWithRuns[rounds - 1];
    double cpuRatioWith = median(cpuTwoWithRuns) / cpuOneWith;

    double ioOneWith = child(agent, "PlainIo", "1", "" + waits, "" + waitMillis).elapsedMillis();
    double ioFourWith = child(agent, "PlainIo", "4", "" + waits, "" + waitMillis).elapsedMillis();

    double cpuRatioWithout = cpuTwoWithout / cpuOneWithout;
    double ioRatioWith = ioFourWith / ioOneWith;

    Table table = new Table("program", "without the agent", "with the agent");
    table.row("counter = counter + 1, updates lost", plainWithout, plainWith);
    table.row("v = counter; f(); counter = v + 1, lost", callWithout, callWith);
    table.row("CPU: 2 threads / 1 thread, time ratio", cpuRatioWithout, cpuRatioWith);
    table.row("I/O: 4 threads / 1 thread, time ratio", null, ioRatioWith);
    out.printf("%s%n", table.render());
    if (plainWithout == 0) {
      out.printf(
          "(Without the agent the machine ran the two threads one after the other in %d tries, so"
              + " none lost an update; ./baton race shows the race.)%n",
          plainTries);
    }
    out.printf(
        "2 threads x %,d increments; CPU: %,d iterations of sum += i * i in all (medians of %d"
            + " rounds); I/O: %d sleeps of %d ms in all.%n",
        increments, work, rounds, waits, waitMillis);
    double meanTenure = cpuSwitches > 0 ? cpuTwoWith / cpuSwitches : Double.NaN;
    out.printf(
        "In the 2-thread CPU run with the agent the GIL changed hands %d times: once every %.1f"
            + " ms (switch interval %d ms).%n",
        cpuSwitches, meanTenure, intervalMillis);
    if (trace != null) {
      out.printf("Its timeline: %s (open it in https://ui.perfetto.dev)%n", trace);
    }
    out.println("");
    out.println("With the agent the programs' own code runs under one GIL: a checkpoint at every");
    out.println("method entry and loop back-edge, the GIL released in Thread.sleep and the JDK's");
    out.println("other blocking calls. So x = x + 1 is never interrupted, a call inside it is,");
    out.println("CPU-bound threads take turns, and sleeping threads overlap, as in CPython.");

    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("increments", increments);
    figures.put("plain_lost_without", plainWithout);
    figures.put("plain_lost_with", plainWith);
    figures.put("call_lost_without", callWithout);
    figures.put("call_lost_with", callWith);
    figures.put("cpu_ratio_without", cpuRatioWithout);
    figures.put("cpu_ratio_with", cpuRatioWith);
    figures.put("io_ratio_with", ioRatioWith);
    figures.put("cpu_forced_switches_with", cpuSwitches);
    figures.put("cpu_mean_tenure_ms_with", meanTenure);
    figures.put("interval_ms", intervalMillis);
    figures.put("rounds", rounds);
    return figures;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    java.util.Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** Runs {@code dev.baton.examples.plain.<program>} in a child JVM, with the agent if given. */
  static ChildRun child(String agent, String program, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    if (Runtime.version().feature() >= 24) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    if (agent != null) {
      command.add(agent);
    }
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(PLAIN + program);
    command.addAll(List.of(args));
    Path out = Files.createTempFile("baton-agent-child", ".out");
    Path err = Files.createTempFile("baton-agent-child", ".err");
    try {
      Process process =
          new ProcessBuilder(command)
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
      if (!process.waitFor(10, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("the child JVM " + command + " did not end in 10 minutes");
      }
      ChildRun run = new ChildRun(Files.readString(out), Files.readString(err));
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "the child JVM " + command + " failed (" + process.exitValue() + "): " + run.err());
      }
      return run;
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * @return agent/target/baton-agent.jar of the checkout this command runs from (found from the
   *     examples jar or classes upwards), else of the working directory
   */
  static Path findAgentJar() {
    String property = System.getProperty("baton.agent.jar");
    if (property != null) {
      return Path.of(property);
    }
    Path relative = Path.of("agent", "target", "baton-agent.jar");
    try {
      Path here =
          Path.of(AgentCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      for (Path dir = here; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(relative))) {
          return dir.resolve(relative);
        }
      }
    } catch (URISyntaxException | SecurityException | NullPointerException e) {
      // no code source to start from: the working directory it is
    }
    return relative.toAbsolutePath();
  }
}
