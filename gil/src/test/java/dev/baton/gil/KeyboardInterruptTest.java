package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGINT delivered as {@link KeyboardInterruptException} to a runtime's main thread in a CPU loop,
 * in a JVM of its own (the signal goes to a whole process).
 */
class KeyboardInterruptTest {
  static final Duration BOUND = Duration.ofSeconds(60);

  @Test
  void sigintBecomesAKeyboardInterruptAtTheMainThreadsNextCheckpoint() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child =
        new ProcessBuilder(
                java, "-cp", System.getProperty("java.class.path"), Program.class.getName())
            .redirectErrorStream(true)
            .start();
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
