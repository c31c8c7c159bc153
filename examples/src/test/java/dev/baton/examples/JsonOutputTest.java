package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every {@code ./baton} command with {@code --json}, run as {@code ./baton} runs it (a JVM of its
 * own, so that anything printed on the process's standard output counts, not only what goes through
 * picocli): standard output is exactly one JSON object, and the working directory is left as it
 * was.
 */
class JsonOutputTest {
  private static final ObjectMapper STRICT =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** Every subcommand of {@link Main} but help. */
  static Stream<String> commands() {
    return Main.commandLine().getSubcommands().keySet().stream().filter(c -> !c.equals("help"));
  }

  @ParameterizedTest(name = "./baton {0} --json")
  @MethodSource("commands")
  void standardOutputIsOneJsonObjectAndNothingElse(String command, @TempDir Path workDir)
      throws Exception {
    Path agentJar = AgentCommand.findAgentJar().toAbsolutePath();
    if (command.equals("agent")) {
      assumeTrue(Files.isRegularFile(agentJar), "the agent jar is packaged (./mvnw verify does)");
    }
    CommandLine sub = Main.commandLine().getSubcommands().get(command);
    List<String> args = new ArrayList<>(List.of(command, "--json", "--no-progress"));
    if (sub.getCommandSpec().findOption("--quick") != null) {
      args.add("--quick");
    }
    if (command.equals("tour")) {
      args.addAll(List.of("--steps", "race,refcount")); // each step is a command tested here too
    }
    Path out = Files.createTempFile("baton-json-out", ".txt");
    Path err = Files.createTempFile("baton-json-err", ".txt");
    try {
      int exit = runMain(args, workDir, agentJar, out, err);
      String stdout = Files.readString(out);
      assertThat(exit).as("exit status; standard error:\n%s", Files.readString(err)).isZero();
      assertThat(stdout).as("standard output").startsWith("{").endsWith("}\n");
      JsonNode node = STRICT.readTree(stdout);
      assertThat(node.isObject()).isTrue();
      assertThat(node.size()).isPositive();
      try (Stream<Path> left = Files.list(workDir)) {
        assertThat(left).as("files left in the working directory").isEmpty();
      }
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static int runMain(List<String> args, Path workDir, Path agentJar, Path out, Path err)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // the flags this JVM runs with (Hazelcast's opens, the continuations export), as ./baton's jar
    ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--add-"))
        .forEach(command::add);
    command.add("-Dbaton.agent.jar=" + agentJar);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(args);
    Process process =
        new ProcessBuilder(command)
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(100, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("./baton " + String.join(" ", args) + " still running after 100 s");
    }
    return process.exitValue();
  }
}
