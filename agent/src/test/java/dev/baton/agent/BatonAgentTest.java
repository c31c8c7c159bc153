package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.internal.ClassFilter;
import dev.baton.agent.internal.SwitchPoints;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a user runs it: {@code -javaagent:...=include=...} on a child JVM running an
 * unmodified program. The agent jar is assembled from the test's class path (its manifest names the
 * classes' directories and jars), as the packaged one contains them.
 */
class BatonAgentTest {
  @TempDir Path dir;

  @Test
  void anUnmodifiedProgramRunsUnderTheGilAndTheAgentSaysSoAtStartUp() throws Exception {
    Run run = java("include=demo.race.,interval=1ms", "demo.race.RaceMain");
    assertThat(run.exit).as(run.err).isZero();
    assertThat(run.out).as(run.err).contains("lost 0");
    assertThat(run.err)
        .contains("baton-agent: classes under [demo.race.]")
        .contains("runtime \"agent\" (FAIR, PT0.001S switch interval)");
  }

  @Test
  void withoutTheIncludeTheSameProgramLosesUpdates() throws Exception {
    long lost = 0;
    for (int attempt = 0; attempt < 5 && lost == 0; attempt++) {
      Run run = java("include=com.example.", "demo.race.RaceMain");
      assertThat(run.exit).as(run.err).isZero();
      lost = Long.parseLong(run.out.strip().replace("lost ", ""));
    }
    assertThat(lost).isPositive();
  }

  @Test
  void instrumentingAClassWhoseBranchesBuildItAndASiblingLoadsNoClass() throws Exception {
    Run run = java("include=demo.shape.", "demo.shape.ShapeMain");
    assertThat(run.exit).as(run.err).isZero();
    assertThat(run.out).as(run.err).contains("circle square");
    assertThat(run.err).doesNotContain("could not instrument").doesNotContain("LinkageError");
  }

  @Test
  void anIncludeThatMatchesNoClassOrIsWrittenWithSlashesIsReported() throws Exception {
    Run run = java("include=demo.race.,com.nothing.,adv/agent/", "demo.race.RaceMain", "1000");
    assertThat(run.exit).as(run.err).isZero();
    assertThat(run.err)
        .contains("include=adv/agent/ is written with '/'")
        .contains("write include=adv.agent.")
        .contains("include=com.nothing. matched no class")
        .contains("include=adv/agent/ matched no class")
        .doesNotContain("include=demo.race. matched no class");
  }

  @Test
  void anUnmatchedIncludeIsReportedOnlyAfterTheApplicationsFirstClassLoaded() throws Exception {
    // A JVM slow to start loads its main class late: a report timed from start-up named the main
    // class's own package as matching nothing. Staged here: the main class loads when the test
    // says.
    BatonAgent.Transformer transformer =
        new BatonAgent.Transformer(
            new ClassFilter(List.of("demo.race.", "com.nothing."), List.of()),
            SwitchPoints.EVERYWHERE);
    ClassLoader loader = getClass().getClassLoader();
    byte[] main;
    try (InputStream in = loader.getResourceAsStream("demo/race/RaceMain.class")) {
      main = in.readAllBytes();
    }
    try (LogCapture log = new LogCapture()) {
      Thread check = transformer.startCheck(Duration.ZERO);
      // the agent's own classes and its dependencies' are not the application's
      assertThat(transformer.transform(loader, "org/slf4j/Logger", null, null, new byte[0]))
          .isNull();
      check.join(500);
      assertThat(check.isAlive()).as("the check waits for the application's first class").isTrue();

      assertThat(transformer.transform(loader, "demo/race/RaceMain", null, null, main)).isNotNull();
      check.join(AgentFixture.PATIENCE.toMillis());
      assertThat(check.isAlive()).as("the check ran").isFalse();
      assertThat(log.text())
          .contains("include=com.nothing. matched no class")
          .doesNotContain("include=demo.race. matched no class");
    }
  }

  @Test
  void badOptionsPrintTheHelpAndStopTheJvm() throws Exception {
    Run run = java("include=com.example.,interval=fast", "demo.race.RaceMain");
    assertThat(run.exit).isNotZero();
    assertThat(run.err)
        .contains("baton-agent: agent option interval=fast is not a duration like 5ms")
        .contains("Usage: -javaagent:baton-agent.jar=include=PREFIX");
    assertThat(run.out).doesNotContain("lost");
  }

  record Run(int exit, String out, String err) {}

  private Run java(String agentOptions, String mainClass) throws Exception {
    return java(agentOptions, mainClass, "20000000");
  }

  Run java(String agentOptions, String mainClass, String... args) throws Exception {
    Path jar = agentJar();
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-javaagent:" + jar + "=" + agentOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(AgentFixture.PATIENCE.toSeconds() * 2, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child JVM did not end: " + Files.readString(err));
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  private Path agentJar() throws IOException {
    Path jar = dir.resolve("baton-agent.jar");
    if (Files.exists(jar)) {
      return jar;
    }
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.putValue("Premain-Class", BatonAgent.class.getName());
    main.putValue("Can-Retransform-Classes", "true");
    StringBuilder classPath = new StringBuilder();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath();
      String uri = p.toUri().toString();
      classPath.append(uri).append(Files.isDirectory(p) && !uri.endsWith("/") ? "/ " : " ");
    }
    main.putValue("Class-Path", classPath.toString().strip());
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      out.flush();
    }
    assertThat(Files.readString(jar, StandardCharsets.ISO_8859_1)).isNotEmpty();
    return jar;
  }
}
