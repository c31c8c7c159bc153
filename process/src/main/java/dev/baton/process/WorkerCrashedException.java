package dev.baton.process;

import java.util.List;
import java.util.OptionalInt;

/**
 * The worker running a task died before answering: killed by a signal, {@code System.exit} in the
 * task, out of memory, a JVM crash, or a corrupted protocol stream. Only the task the worker held
 * fails this way (its future, or the blocking call waiting for it), unless it was submitted with
 * retries left; the pool replaces the worker and keeps serving. A documented base: a pool whose
 * workers are of another kind names them in a subclass ({@code MemberLostException} of the cluster
 * pool).
 */
public class WorkerCrashedException extends ProcessPoolException {
  private static final long serialVersionUID = 1L;

  private final long pid;
  private final Integer exitCode;
  private final List<String> stderrTail;

  /**
   * A crash whose worker is not known: pid -1, exit code and stderr unknown.
   *
   * @param message what happened
   */
  public WorkerCrashedException(String message) {
    this(message, (Throwable) null);
  }

  /**
   * A crash whose worker is not known: pid -1, exit code and stderr unknown.
   *
   * @param message what happened
   * @param cause what reported it, or null
   */
  public WorkerCrashedException(String message, Throwable cause) {
    super(message, cause);
    this.pid = -1;
    this.exitCode = null;
    this.stderrTail = List.of();
  }

  /**
   * @param message what happened, with the pid, exit status and the tail of the worker's stderr
   * @param pid the worker's process id
   * @param exitCode its exit code, or null when unknown
   * @param stderrTail the last lines the worker wrote on stderr
   */
  public WorkerCrashedException(
      String message, long pid, Integer exitCode, List<String> stderrTail) {
    super(message);
    this.pid = pid;
    this.exitCode = exitCode;
    this.stderrTail = List.copyOf(stderrTail);
  }

  /**
   * @return the process id of the worker that died, or -1 when unknown
   */
  public long pid() {
    return pid;
  }

  /**
   * @return its exit code when known; on Unix a death by signal N reads as 128 + N
   */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /**
   * @return the signal that killed it, when the exit code says so (128 + N on Unix)
   */
  public OptionalInt signal() {
    return exitCode != null && exitCode > 128 && exitCode < 128 + 65
        ? OptionalInt.of(exitCode - 128)
        : OptionalInt.empty();
  }

  /**
   * @return the last lines the worker wrote on stderr, oldest first
   */
  public List<String> stderrTail() {
    return stderrTail;
  }
}
