package dev.baton.eventloop;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeoutException;

/**
 * A child process whose stdin, stdout and stderr are streams on the loop (asyncio's {@code
 * create_subprocess_exec} and its {@code Process}): write to {@link #stdin()}, read {@link
 * #stdout()} and {@link #stderr()} from tasks, await the exit with {@link #waitFor()}, or do all at
 * once with {@link #communicate}.
 *
 * <p>How the pipes are read without blocking the loop: the JDK's process pipes are blocking
 * streams, so each pipe has a daemon thread of its own that blocks on it and hands chunks to the
 * loop through {@code callSoonThreadSafe}, with backpressure (see the design note of the package's
 * pipe transport: a reader that stops reading stops its thread after a few chunks, and the child
 * blocks on a full pipe, as it would under a shell). The exit is the JDK's {@link
 * Process#onExit()}, completed on the loop.
 *
 * <p>Threading: loop-only; the suspending methods must be called from a task.
 */
public final class Subprocess {
  /** What {@link #communicate} collected. */
  public record Result(int exitCode, byte[] stdout, byte[] stderr) {}

  private final EventLoop loop;
  private final Process process;
  private final Connection stdin;
  private final Connection stdout;
  private final Connection stderr;
  private final Future<Integer> exit;

  private Subprocess(EventLoop loop, Process process, ProcessBuilder builder) throws IOException {
    this.loop = loop;
    this.process = process;
    long pid = process.pid();
    this.stdin =
        builder.redirectInput() == ProcessBuilder.Redirect.PIPE
            ? pipe(
                loop,
                pid,
                "stdin",
                c ->
                    bind(
                        c,
                        new PipeTransport.Writing(
                            loop, process.getOutputStream(), name(pid, "stdin"))))
            : null;
    this.stdout =
        builder.redirectOutput() == ProcessBuilder.Redirect.PIPE
            ? pipe(
                loop,
                pid,
                "stdout",
                c ->
                    bind(
                        c,
                        new PipeTransport.Reading(
                            loop, process.getInputStream(), name(pid, "stdout"))))
            : null;
    this.stderr =
        builder.redirectError() == ProcessBuilder.Redirect.PIPE && !builder.redirectErrorStream()
            ? pipe(
                loop,
                pid,
                "stderr",
                c ->
                    bind(
                        c,
                        new PipeTransport.Reading(
                            loop, process.getErrorStream(), name(pid, "stderr"))))
            : null;
    this.exit = loop.wrapFuture(process.onExit().thenApply(Process::exitValue));
  }

  private static String name(long pid, String pipe) {
    return "baton-subprocess-" + pid + "-" + pipe;
  }

  private static Transport bind(Connection c, PipeTransport t) {
    t.connection = c;
    return t;
  }

  private static Connection pipe(EventLoop loop, long pid, String which, Transport.Factory f)
      throws IOException {
    return new Connection(loop, null, "pid " + pid + " " + which, f);
  }

  /**
   * Starts {@code command} with its three streams piped to the loop. Loop-only, from a task (the
   * fork runs on the loop's executor).
   *
   * @param command the program and its arguments
   * @return the running child
   * @throws IOException if it cannot be started
   */
  public static Subprocess exec(String... command) throws IOException {
    return start(new ProcessBuilder(List.of(command)));
  }

  /**
   * Starts {@code builder}'s process. Streams the builder leaves as {@code PIPE} become streams on
   * the loop; the others (inherited, to a file, stderr merged into stdout) have none here ({@link
   * #stdin()} and its twins return null for them). Loop-only, from a task.
   *
   * @param builder the process to start
   * @return the running child
   * @throws IOException if it cannot be started
   */
  public static Subprocess start(ProcessBuilder builder) throws IOException {
    Objects.requireNonNull(builder, "builder");
    Task<?> task = Tasks.current("Subprocess.start");
    Process p = Connection.awaitIo(task.loop.runInExecutor(builder::start));
    return new Subprocess(task.loop, p, builder);
  }

  /**
   * @return the child's stdin, or null when not piped
   */
  public StreamWriter stdin() {
    return stdin == null ? null : stdin.writer();
  }

  /**
   * @return the child's stdout, or null when not piped
   */
  public StreamReader stdout() {
    return stdout == null ? null : stdout.reader();
  }

  /**
   * @return the child's stderr, or null when not piped (or merged into stdout)
   */
  public StreamReader stderr() {
    return stderr == null ? null : stderr.reader();
  }

  /**
   * @return the child's process id
   */
  public long pid() {
    return process.pid();
  }

  /**
   * @return the process, for what this class does not cover
   */
  public Process process() {
    return process;
  }

  /**
   * @return a loop future of the exit code
   */
  public Future<Integer> exitFuture() {
    return exit;
  }

  /**
   * @return the exit code, if the child has exited and the loop has seen it
   */
  public OptionalInt returnCode() {
    return exit.isDone() && !exit.isCancelled()
        ? OptionalInt.of(exit.result())
        : OptionalInt.empty();
  }

  /**
   * Suspends the current task until the child exits (asyncio's {@code wait()}). Read its pipes
   * meanwhile, or use {@link #communicate}: a child blocked on a full pipe never exits.
   *
   * @return the exit code
   */
  public int waitFor() {
    return Tasks.await(Tasks.shield(exit));
  }

  /** Asks the child to end (SIGTERM on Unix). */
  public void terminate() {
    process.destroy();
  }

  /** Ends the child (SIGKILL on Unix). */
  public void kill() {
    process.destroyForcibly();
  }

  /**
   * Writes {@code input} to stdin and closes it, reads stdout and stderr to their ends at the same
   * time, and waits for the exit (asyncio's {@code communicate}). A child that closes its stdin
   * early loses the rest of the input quietly, as in asyncio.
   *
   * @param input bytes for stdin, or null to write nothing (stdin is closed all the same)
   * @return the exit code and what the child wrote
   * @throws IOException if reading a pipe fails
   */
  public Result communicate(byte[] input) throws IOException {
    Task<?> task = Tasks.current("Subprocess.communicate");
    Task<byte[]> out = task.loop.createTask("pid " + pid() + " stdout", () -> readAll(stdout));
    Task<byte[]> err = task.loop.createTask("pid " + pid() + " stderr", () -> readAll(stderr));
    try {
      if (stdin != null) {
        try {
          if (input != null && input.length > 0) {
            stdin.writer().write(input);
            stdin.writer().drain();
          }
        } catch (IOException brokenPipe) {
          EventLoop.LOG.debug("{} closed its stdin before taking all input", this, brokenPipe);
        }
        stdin.writer().close();
      }
      byte[] o = Connection.awaitIo(out);
      byte[] e = Connection.awaitIo(err);
      return new Result(waitFor(), o, e);
    } finally {
      out.cancel();
      err.cancel();
    }
  }

  /**
   * Like {@link #communicate(byte[])}, killing the child if it takes longer than {@code timeout}.
   *
   * @param input bytes for stdin, or null
   * @param timeout the limit
   * @return the exit code and what the child wrote
   * @throws TimeoutException if the limit passed; the child is killed
   * @throws IOException if reading a pipe fails
   */
  public Result communicate(byte[] input, Duration timeout) throws IOException, TimeoutException {
    Objects.requireNonNull(timeout, "timeout");
    try {
      return Tasks.timeout(timeout, () -> communicate(input));
    } catch (TimeoutException e) {
      kill();
      throw e;
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  private static byte[] readAll(Connection c) throws IOException {
    return c == null ? new byte[0] : c.reader().read(-1);
  }

  @Override
  public String toString() {
    return "Subprocess[pid " + pid() + (exit.isDone() ? ", exited" : "") + "]";
  }
}
