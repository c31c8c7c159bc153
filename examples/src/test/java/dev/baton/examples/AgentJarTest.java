package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged agent jar as a newcomer meets it: on a JDK older than the agent needs, and with a
 * mistyped option, the JVM ends with one line that says what to do and a plain exit status, never
 * with a class-file version error, an InvocationTargetException stack or the instrumentation
 * library's native assertion messages.
 */
class AgentJarTest {
  /** The status the launcher ends the JVM with on a JDK that is too old. */
  static final int STATUS_OLD_JDK = 3;

  /** The status the launcher ends the JVM with when given the library jar. */
  static final int STATUS_THIN_JAR = 4;

  /** The status the launcher ends the JVM with on wrong options. */
  static final int STATUS_BAD_OPTIONS = 2;

  private static final Pattern VERSION =
      Pattern.compile("^JAVA_VERSION=\"?(?:1\\.)?(\\d+)", Pattern.MULTILINE);

  @TempDir Path dir;

  @Test
  void onAJdkOlderThanTheAgentNeedsTheJvmEndsWithOneLineSayingWhichAndHowToFindOne()
      throws Exception {
    Path jar = agentJar();
    Optional<Path> old = olderJdk();
    assumeTrue(old.isPresent(), "no JDK older than 24 under /usr/lib/jvm to run the agent on");

    Run run = java(old.get().resolve("bin").resolve("java"), jar, "include=com.example.");

    assertThat(run.exit).as(run.err).isEqualTo(STATUS_OLD_JDK);
    assertThat(run.err.lines().toList())
        .as("standard error")
        .singleElement()
        .asString()
        .startsWith("baton-agent: needs a JDK 24 or newer")
        .contains("BATON_JAVA_HOME")
        .contains(".mvn/find-jdk.sh");
    assertThat(run.out).isEmpty();
  }

  @Test
  void aWrongOptionEndsTheJvmWithAPlainLineAndNoStackTrace() throws Exception {
    Path jar = agentJar();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    Run run = java(java, jar, "include=com.example.,interval=fast");

    assertThat(run.exit).as(run.err).isEqualTo(STATUS_BAD_OPTIONS);
    assertThat(run.err)
        .contains("agent option interval=fast is not a duration")
        .doesNotContain("InvocationTargetException")
        .doesNotContain("ASSERTION FAILED")
        .doesNotContain("FATAL ERROR")
        .doesNotContain("\tat ");
    assertThat(run.err.strip().lines().toList().getLast()).startsWith("baton-agent: wrong options");
  }

  @Test
  void onANewEnoughJdkTheLauncherStartsTheAgent() throws Exception {
    Path jar = agentJar();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    Run run = java(java, jar, "include=com.example.");

    assertThat(run.exit).as(run.err).isZero();
    assertThat(run.out + run.err).contains("version");
  }

  @Test
  void thePublishedRuntimeJarIsTheRunnableAgent() throws Exception {
    Path runtimeJar = besideTheAgentJar("-runtime.jar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    Run run = java(java, runtimeJar, "include=com.example.");

    assertThat(run.exit).as(run.err).isZero();
  }

  @Test
  void theLibraryJarGivenToJavaagentSaysWhichJarToUseInOneLine() throws Exception {
    Path thin = besideTheAgentJar("-SNAPSHOT.jar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");

    Run run = java(java, thin, "include=com.example.");

    assertThat(run.exit).as(run.err).isEqualTo(STATUS_THIN_JAR);
    assertThat(run.err.lines().toList())
        .singleElement()
        .asString()
        .startsWith("baton-agent: this jar lacks ")
        .contains("classifier runtime");
  }

  /** agent/target/baton-agent-VERSION{suffix}, built beside agent/target/baton-agent.jar. */
  private static Path besideTheAgentJar(String suffix) throws IOException {
    Path target = agentJar().getParent();
    try (Stream<Path> files = Files.list(target)) {
      Optional<Path> jar =
          files
              .filter(f -> f.getFileName().toString().startsWith("baton-agent-"))
              .filter(f -> f.getFileName().toString().endsWith(suffix))
              .findFirst();
      assumeTrue(jar.isPresent(), "agent/target holds baton-agent-VERSION" + suffix);
      return jar.get();
    }
  }

  private record Run(int exit, String out, String err) {}

  /** {@code java -javaagent:JAR=OPTIONS -version}: the agent starts before the version prints. */
  private Run java(Path java, Path jar, String options) throws Exception {
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-javaagent:" + jar + "=" + options);
    command.add("-version");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().remove("JAVA_TOOL_OPTIONS"); // its "Picked up" line is not ours
    builder.environment().remove("JDK_JAVA_OPTIONS");
    Process process = builder.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child JVM did not end: " + Files.readString(err));
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static Path agentJar() {
    Path jar = AgentCommand.findAgentJar();
    assumeTrue(Files.isRegularFile(jar), "the agent jar is packaged (./mvnw verify builds it)");
    return jar;
  }

  /** A JDK under /usr/lib/jvm whose feature version is below 24 (the default java 17 here). */
  static Optional<Path> olderJdk() throws IOException {
    Path root = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> jdks = Files.list(root)) {
      for (Path jdk : jdks.sorted().toList()) {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release) || !Files.isExecutable(jdk.resolve("bin/java"))) {
          continue;
        }
        Matcher m = VERSION.matcher(Files.readString(release));
        if (m.find() && Integer.parseInt(m.group(1)) < 24) {
          return Optional.of(jdk);
        }
      }
    }
    return Optional.empty();
  }
}
