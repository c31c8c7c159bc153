package dev.baton.stress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Proof --json} run as CI runs it, in a JVM of its own: standard output is exactly one JSON
 * object (jcstress's own chatter goes to standard error), and jcstress's result file is not left in
 * the working directory.
 */
class ProofJsonTest {

  @Test
  void jsonModePrintsOneObjectAndLeavesNoFile(@TempDir Path workDir, @TempDir Path logs)
      throws Exception {
    Path out = logs.resolve("out.txt");
    Path err = logs.resolve("err.txt");
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    Proof.class.getName(),
                    "--mode",
                    "sanity",
                    "--json",
                    "--tests",
                    "dev\\.baton\\.stress\\.SynchronizedIncrement"))
            .directory(workDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(100, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("Proof still running after 100 s:\n" + Files.readString(err));
    }
    String stdout = Files.readString(out);
    assertThat(process.exitValue()).as("exit; standard error:\n%s", Files.readString(err)).isZero();
    assertThat(stdout).startsWith("{").endsWith("}\n");
    JsonNode node =
        new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(stdout);
    assertThat(node.get("ok").asBoolean()).isTrue();
    assertThat(node.get("tests").get(0).get("name").asText()).isEqualTo("SynchronizedIncrement");
    try (Stream<Path> left = Files.list(workDir)) {
      assertThat(left).as("files left in the working directory").isEmpty();
    }
  }
}
