package dev.baton.process.launch;

import dev.baton.process.ProcessPool;
import java.time.Duration;
import java.util.List;

/**
 * A pool started the way an application run by {@code mvn exec:java} starts one: this class is the
 * main class of the process module's {@code exec-java-launch} execution (its {@code pom.xml}, the
 * integration-test phase of {@code ./mvnw verify}), so it runs inside Maven's own JVM, loaded by
 * the exec plugin's class loader, with nothing of the application on {@code java.class.path}. The
 * pool must derive its workers' class path from that loader, start them, run a task and a map in
 * them, and close. Any failure throws, which fails the build.
 */
public final class ExecJavaLaunch {
  private ExecJavaLaunch() {}

  /**
   * @param args ignored
   * @throws Exception when the pool cannot start or its tasks do not run in worker JVMs
   */
  public static void main(String[] args) throws Exception {
    long self = ProcessHandle.current().pid();
    try (ProcessPool pool =
        ProcessPool.builder()
            .name("exec-java")
            .workers(1)
            .jvmOptions("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m")
            .startupTimeout(Duration.ofSeconds(60))
            .noAotCache()
            .build()) {
      long worker = pool.apply(() -> ProcessHandle.current().pid());
      if (worker == self || !pool.workerPids().contains(worker)) {
        throw new IllegalStateException(
            "the task ran in pid " + worker + ", not in a worker of " + pool.workerPids());
      }
      List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3), 1);
      if (!squares.equals(List.of(1, 4, 9))) {
        throw new IllegalStateException("map returned " + squares);
      }
    }
    // stdout is Maven's console here: the line says the launch-style pool worked
    System.out.println("exec:java launch: a pool of 1 worker ran a task and a map");
  }
}
