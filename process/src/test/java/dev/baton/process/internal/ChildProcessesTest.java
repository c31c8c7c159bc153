package dev.baton.process.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A child registered with {@link ChildProcesses} does not outlive its parent's orderly exit, even
 * when it never reads its standard input (a forked cluster member blocked elsewhere): a parent JVM
 * ({@link #main}) starts a child JVM that only sleeps, registers it, prints its pid once the child
 * runs, and exits.
 */
class ChildProcessesTest {
  @Test
  void aRegisteredChildIsDestroyedWhenItsParentExits() throws Exception {
    Process parent = java("parent").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ProcessHandle child = null;
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8));
      String line = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
      assertThat(line).startsWith("child ").endsWith(" ready");
      // the child was running when its parent printed this; gone already is what is asserted
      child = ProcessHandle.of(Long.parseLong(line.split(" ")[1])).orElse(null);
      assertThat(parent.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(parent.exitValue()).isZero();
      if (child != null) {
        assertThat(child.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
      }
    } finally {
      parent.destroyForcibly();
      if (child != null) {
        child.destroyForcibly();
      }
    }
  }

  private static ProcessBuilder java(String role) {
    return new ProcessBuilder(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-cp",
            System.getProperty("java.class.path"),
            ChildProcessesTest.class.getName(),
            role));
  }

  private static String readLine(BufferedReader in) {
    try {
      return in.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The parent ({@code parent}): starts a child, registers it unless told {@code unregistered},
   * prints its pid once the child says it runs, and exits; the child ({@code child}): says {@code
   * ready} and sleeps two minutes.
   *
   * @param args the role
   * @throws Exception never expected
   */
  public static void main(String[] args) throws Exception {
    if (args[0].equals("child")) {
      System.out.println("ready");
      System.out.flush();
      Thread.sleep(120_000);
      return;
    }
    Process child = java("child").redirectError(ProcessBuilder.Redirect.DISCARD).start();
    if (!(args.length > 1 && args[1].equals("unregistered"))) {
      ChildProcesses.register(child);
    }
    String ready =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    System.out.println("child " + child.pid() + " " + ready);
    System.out.flush();
    System.exit(0);
  }
}
