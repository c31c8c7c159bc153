package dev.baton.bench.scenario;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Start-up: the peer is the floor any worker JVM pays, a bare JVM started with the same java and
 * class path that prints one line; the time is from start() until the line is read.
 *
 * <p>Keys: {@code jvm_start_ms} (median of the runs).
 */
final class PoolStartupScenario implements Scenario {

  @Override
  public String name() {
    return "pool-startup";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    int runs = smoke ? 1 : 7;
    double[] times = new double[runs];
    for (int i = 0; i < runs; i++) {
      times[i] = bareJvmMillis();
    }
    out.put("jvm_start_ms", dev.baton.bench.report.Results.median(times));
  }

  static double bareJvmMillis() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-Xlog:disable");
    command.add("-Xlog:all=warning:stderr");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Hello.class.getName());
    long start = System.nanoTime();
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line = reader.readLine();
      long elapsed = System.nanoTime() - start;
      if (!"ready".equals(line)) {
        throw new IllegalStateException("bare JVM printed " + line + " instead of 'ready'");
      }
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("bare JVM did not exit");
      }
      return elapsed / 1e6;
    }
  }

  /** The bare JVM's main: prints one line and exits. */
  public static final class Hello {
    private Hello() {}

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
      System.out.println("ready");
    }
  }
}
