package dev.baton.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server out of file descriptors, for real: a child JVM under {@code ulimit -n 256} takes every
 * descriptor while clients wait in the backlog ({@link AcceptExhaustionChild}). Tagged slow: it
 * starts a JVM.
 */
@Tag("slow")
class ServerBackOffTest {

  @Test
  void aServerOutOfDescriptorsPausesAcceptingLogsOnceAndRecovers(@TempDir Path dir)
      throws Exception {
    assumeTrue(new File("/bin/sh").canExecute() && new File("/dev/null").exists(), "POSIX only");
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>();
    command.addAll(List.of("/bin/sh", "-c", "ulimit -n 256 && exec \"$@\"", "sh", java));
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(AcceptExhaustionChild.class.getName());
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process child =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    boolean ended = child.waitFor(90, TimeUnit.SECONDS);
    if (!ended) {
      child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(ended).as("child ended in time; its log:%n%s", stderr).isTrue();
    assertThat(child.exitValue()).as("child's exit code; its log:%n%s", stderr).isZero();
    assertThat(stdout)
        .as("the descriptors really ran out, the loop ran its passes, every client was served")
        .contains(
            "exhausted=true",
            "passes=" + AcceptExhaustionChild.PASSES,
            "served=" + AcceptExhaustionChild.CLIENTS);
    long warnings =
        stderr.lines().filter(l -> l.contains("WARN") && l.contains("accept failed")).count();
    // one per 10 s period; a very slow run may reach a second or third period
    assertThat(warnings).as("accept WARN lines in:%n%s", stderr).isBetween(1L, 3L);
    assertThat(stderr).contains("Too many open files").contains("accepts connections again");
  }
}
