package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGINT delivered as {@link KeyboardInterruptException} to a runtime's main thread in a CPU loop,
 * in a JVM of its own (the signal goes to a whole process).
 *
 * <p>A process started with SIGINT ignored (a build run under a shell's {@code &}, {@code nohup sh
 * -c}, some CI runners) passes the ignored disposition on to its children, and a JVM that starts
 * with SIGINT ignored installs no handler for it, as a shell does. So the child is started with
 * SIGINT back at its default disposition ({@code env --default-signal=INT}, GNU coreutils 8.31+)
 * when this JVM has it ignored, and the test is skipped, saying why, where that cannot be done.
 */
class KeyboardInterruptTest {
  static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void sigintBecomesAKeyboardInterruptAtTheMainThreadsNextCheckpoint() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>();
    if (sigintIgnored()) {
      assumeTrue(
          envCanRestoreSigint(),
          "this JVM was started with SIGINT ignored, which its children inherit, and `env"
              + " --default-signal=INT` (GNU coreutils 8.31+) is not here to restore it: a child"
              + " JVM could not receive SIGINT");
      command.addAll(List.of("env", "--default-signal=INT"));
    }
    command.addAll(
        List.of(java, "-cp", System.getProperty("java.class.path"), Program.class.getName()));
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null && !line.equals(Program.READY)) {
        output.append(line).append('\n');
      }
      assertThat(line).as("child got ready; output:%n%s", output).isEqualTo(Program.READY);
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start();
      assertThat(kill.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      while ((line = in.readLine()) != null) {
        output.append(line).append('\n');
      }
    } finally {
      if (!child.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }

    assertThat(child.exitValue()).as("exit; output:%n%s", output).isZero();
    assertThat(output.toString())
        .contains("KeyboardInterruptException holding the GIL: true")
        .contains("the main thread of runtime \"sigint\"");
  }

  /**
   * @return whether this process ignores SIGINT (Linux's /proc/self/status; false where there is
   *     none to read, as the question then cannot be answered)
   */
  static boolean sigintIgnored() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
        return (mask & (1L << (2 - 1))) != 0; // SIGINT is signal 2
      }
    }
    return false;
  }

  /** Whether {@code env --default-signal=INT} runs here. */
  static boolean envCanRestoreSigint() {
    try {
      Process env =
          new ProcessBuilder("env", "--default-signal=INT", "true")
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!env.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
        env.destroyForcibly();
        return false;
      }
      return env.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The main thread holds the GIL and checkpoints until the keyboard interrupt comes. */
  static final class Program {
    static final String READY = "ready";

    public static void main(String[] args) {
      try (GilRuntime runtime =
              GilRuntime.builder().name("sigint").keyboardInterrupt(true).build();
          GilRuntime.Ensured ensured = runtime.ensure()) {
        Gil gil = runtime.gil();
        System.out.println(READY);
        System.out.flush();
        long deadline = System.nanoTime() + BOUND.toNanos();
        try {
          while (System.nanoTime() < deadline) {
            gil.checkpoint();
          }
          System.out.println("no interrupt came");
          System.exit(3);
        } catch (KeyboardInterruptException e) {
          System.out.println(
              "KeyboardInterruptException holding the GIL: " + gil.isHeldByCurrentThread());
          System.out.println(e.getMessage());
        }
      }
    }
  }
}
