package dev.baton.cluster;

import dev.baton.process.WorkerStartException;
import dev.baton.process.internal.ChildProcesses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClusterMember} in a JVM of its own, started by {@link ClusterMember.Builder#fork()}. Its
 * standard error is this JVM's; it exits when this JVM does (its standard input closes), and the
 * shutdown hook that kills Baton's child processes ({@code ChildProcesses}) kills any forked member
 * left. {@link #kill()} is what a crash looks like to the cluster.
 *
 * <p>Threading: every method may be called from any thread.
 */
public final class ForkedMember implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ForkedMember.class);

  private final Process process;
  private final String address;
  private final String uuid;

  private ForkedMember(Process process, String address, String uuid) {
    this.process = process;
    this.address = address;
    this.uuid = uuid;
  }

  static ForkedMember start(List<String> command, Duration timeout) throws InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    } catch (IOException e) {
      throw started(
          new WorkerStartException("cannot start a member JVM with " + command + ": " + e), e);
    }
    ChildProcesses.register(process);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                ready.complete(out.readLine());
                while (out.readLine() != null) {
                  // the member writes nothing after its ready line; drained so it never blocks
                }
              } catch (IOException e) {
                ready.completeExceptionally(e);
              }
            },
            "baton-forked-member-" + process.pid());
    reader.setDaemon(true);
    reader.start();
    String line;
    try {
      line = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      process.destroyForcibly();
      throw new WorkerStartException(
          "member JVM " + process.pid() + " was not ready within " + timeout + "; killed");
    } catch (ExecutionException e) {
      process.destroyForcibly();
      throw started(
          new WorkerStartException(
              "reading member JVM " + process.pid() + " failed: " + e.getCause()),
          e.getCause());
    } catch (InterruptedException e) {
      process.destroyForcibly();
      throw e;
    }
    String[] parts = line == null ? new String[0] : line.split(" ");
    if (parts.length != 3 || !parts[0].equals("ready")) {
      process.destroyForcibly();
      throw new WorkerStartException(
          "member JVM "
              + process.pid()
              + (line == null ? " exited before it was ready" : " wrote '" + line + "'")
              + " (its standard error says why)");
    }
    LOG.info("forked member {} is ready (pid {})", parts[1], process.pid());
    return new ForkedMember(process, parts[1], parts[2]);
  }

  private static WorkerStartException started(WorkerStartException e, Throwable cause) {
    e.initCause(cause);
    return e;
  }

  /**
   * @return the member JVM's process id
   */
  public long pid() {
    return process.pid();
  }

  /**
   * @return its address, {@code host:port}
   */
  public String address() {
    return address;
  }

  /**
   * @return its Hazelcast UUID, as text
   */
  public String uuid() {
    return uuid;
  }

  /**
   * @return whether its JVM is still running
   */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Kills the member JVM with SIGKILL, as a crash would, and waits (at most 10 s) until it is gone.
   *
   * @throws InterruptedException when interrupted while waiting
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** Kills the member JVM if it still runs, and waits for it (at most 10 s). */
  @Override
  public void close() {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "member " + address + " (pid " + process.pid() + ")";
  }
}
