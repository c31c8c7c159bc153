package dev.baton.bench.scenario;

import dev.baton.bench.report.Results;
import dev.baton.process.PoolTask;
import dev.baton.process.ProcessPool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Start-up: a pool of 2 workers, from {@code build()} until the first task's result is back, with
 * the JDK's class-data sharing only and with an AOT cache (trained once, untimed, before the runs:
 * what a pool does by default from a jar class path once its cache is trained); the peer is the
 * floor any worker JVM pays, a bare JVM started with the same java, log options and class path that
 * prints one line (time from start until the line is read). Runs alternate.
 *
 * <p>Keys (medians of the runs): {@code ready_ms}, {@code aot_ready_ms}, {@code jvm_start_ms}.
 */
final class PoolStartupScenario implements Scenario {

  @Override
  public String name() {
    return "pool-startup";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    int runs = smoke ? 1 : 7;
    Path cache = Files.createTempDirectory("baton-bench-aot").resolve("worker.aot");
    poolReadyMillis(cache); // trains the AOT cache once, untimed
    double[] pool = new double[runs];
    double[] aot = new double[runs];
    double[] bare = new double[runs];
    for (int i = 0; i < runs; i++) {
      pool[i] = poolReadyMillis(null);
      aot[i] = poolReadyMillis(cache);
      bare[i] = bareJvmMillis();
    }
    Files.deleteIfExists(cache);
    Files.deleteIfExists(cache.getParent());
    out.put("ready_ms", Results.median(pool));
    out.put("aot_ready_ms", Results.median(aot));
    out.put("jvm_start_ms", Results.median(bare));
  }

  private static final PoolTask<Integer> TRIVIAL = () -> 1;

  /**
   * @param aotCache the workers' AOT cache (trained by the first call), or null for none
   */
  static double poolReadyMillis(Path aotCache) throws Exception {
    long start = System.nanoTime();
    ProcessPool.Builder builder = ProcessPool.builder().name("startup").workers(2);
    if (aotCache != null) {
      builder.aotCache(aotCache);
    } else {
      builder.noAotCache(); // the default cache would be trained in the background, mid-run
    }
    try (ProcessPool pool = builder.build()) {
      int result = pool.apply(TRIVIAL);
      long elapsed = System.nanoTime() - start;
      if (result != 1) {
        throw new IllegalStateException("the first task returned " + result);
      }
      return elapsed / 1e6;
    }
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
