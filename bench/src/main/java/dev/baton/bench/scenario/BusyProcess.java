package dev.baton.bench.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A process that keeps one core busy: a JVM spinning on its main thread for at most the given
 * number of seconds. It prints one line once it spins, so its starter knows the load is on.
 */
public final class BusyProcess {
  static final String SPINNING = "spinning";

  private BusyProcess() {}

  /**
   * @param args the longest it may spin, in seconds
   */
  public static void main(String[] args) {
    long until = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000_000L;
    System.out.println(SPINNING);
    System.out.flush();
    long x = 1;
    while (System.nanoTime() < until) {
      for (int i = 0; i < 100_000; i++) {
        x = Work.step(x);
      }
    }
    if (x == 42) {
      System.out.println(x); // keeps the loop's result alive
    }
  }

  /** Starts a busy JVM on this JVM's class path. */
  static Process start(long maxSeconds) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-Xmx32m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(BusyProcess.class.getName());
    command.add(Long.toString(maxSeconds));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Returns once {@code process} printed that it spins; throws if it ended first. */
  static void awaitSpinning(Process process) throws IOException {
    InputStream in = process.getInputStream();
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        if (line.toString().strip().equals(SPINNING)) {
          return;
        }
        line.setLength(0);
      } else {
        line.append((char) c);
      }
    }
    throw new IOException("busy process ended before it started spinning");
  }
}
