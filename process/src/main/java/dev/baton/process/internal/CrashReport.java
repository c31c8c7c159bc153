package dev.baton.process.internal;

import dev.baton.core.trace.Tracer;
import dev.baton.process.PoolTrace;
import dev.baton.process.WorkerCrashedException;
import dev.baton.process.jfr.WorkerCrashedEvent;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * What the pool says when a worker ends: the {@link WorkerCrashedException} of the task it held
 * (with its JFR event), the reason a worker did not start, and the mark on the worker's trace lane.
 * Reads a worker's exit facts only; stateless.
 */
final class CrashReport {
  private CrashReport() {}

  /**
   * @param pool the pool's name, for the JFR event
   * @param worker a worker that died
   * @param taskId the task it held, which may have run
   * @return the task's failure, naming the worker, its exit and its last stderr lines
   */
  static WorkerCrashedException crashed(String pool, WorkerProcess worker, long taskId) {
    Integer code = worker.exitCode();
    WorkerCrashedEvent event = new WorkerCrashedEvent();
    if (event.shouldCommit()) {
      event.pool = pool;
      event.workerPid = worker.pid();
      event.exitCode = code == null ? -1 : code;
      event.task = "task " + taskId;
      event.commit();
    }
    List<String> tail = worker.stderrTail();
    StringBuilder msg =
        new StringBuilder("worker ")
            .append(worker)
            .append(" died while running its task (id ")
            .append(taskId)
            .append("): ")
            .append(exitDescription(code));
    if (worker.death() == WorkerProcess.Death.CORRUPT
        || worker.death() == WorkerProcess.Death.CANCELLED
        || worker.death() == WorkerProcess.Death.STOPPED) {
      msg.append(" (").append(worker.deathDetail()).append(')');
    }
    msg.append("; the pool replaced it");
    appendTail(msg, tail);
    return new WorkerCrashedException(msg.toString(), worker.pid(), code, tail);
  }

  /**
   * @param worker a worker that ended before it was ready
   * @param startupTimeout the pool's start-up timeout
   * @return why, in words
   */
  static String startFailure(WorkerProcess worker, Duration startupTimeout) {
    StringBuilder msg = new StringBuilder("worker ").append(worker).append(" did not start: ");
    Payloads.ErrorRecord init = worker.initFailure();
    if (init != null) {
      msg.append("the initializer threw ")
          .append(init.className())
          .append(init.message() == null ? "" : ": " + init.message());
    } else if (worker.death() == WorkerProcess.Death.STARTUP_TIMEOUT) {
      msg.append("not ready within the start-up timeout of ").append(startupTimeout);
    } else {
      msg.append(exitDescription(worker.exitCode())).append(" before it was ready");
    }
    appendTail(msg, worker.stderrTail());
    return msg.toString();
  }

  /**
   * Marks a worker's end on its lane: an exit when the pool retired it, shut it down, or it ended
   * cleanly with nothing to do; otherwise a crash (it died, was killed for a timeout, a cancel or a
   * corrupted stream, or never became ready).
   *
   * @param worker the worker
   * @param heldTask whether it held an unanswered task
   */
  static void markExit(WorkerProcess worker, boolean heldTask) {
    if (!Tracer.isEnabled()) {
      return;
    }
    WorkerProcess.Death death = worker.death();
    Integer code = worker.exitCode();
    boolean asked = death == WorkerProcess.Death.RETIRED || death == WorkerProcess.Death.SHUTDOWN;
    boolean clean =
        death == WorkerProcess.Death.NONE && !heldTask && Integer.valueOf(0).equals(code);
    if (asked || clean) {
      Tracer.mark(worker.lane(), PoolTrace.WORKER_EXIT, worker.name());
    } else {
      String why =
          death == WorkerProcess.Death.NONE
              ? exitDescription(code)
              : death.name().toLowerCase(Locale.ROOT) + ", " + exitDescription(code);
      Tracer.mark(worker.lane(), PoolTrace.WORKER_CRASH, worker.name() + ": " + why);
    }
  }

  /**
   * @param code an exit code, or null
   * @return it in words, naming the signal when the code is 128 + a signal
   */
  static String exitDescription(Integer code) {
    if (code == null) {
      return "exit status unknown";
    }
    if (code > 128 && code < 128 + 65) {
      int signal = code - 128;
      String name =
          switch (signal) {
            case 1 -> " SIGHUP";
            case 2 -> " SIGINT";
            case 6 -> " SIGABRT";
            case 9 -> " SIGKILL";
            case 11 -> " SIGSEGV";
            case 15 -> " SIGTERM";
            default -> "";
          };
      return "exit code " + code + " (signal " + signal + name + ")";
    }
    return "exit code " + code;
  }

  private static void appendTail(StringBuilder msg, List<String> tail) {
    if (!tail.isEmpty()) {
      msg.append("; last stderr lines:");
      for (String line : tail) {
        msg.append("\n  ").append(line);
      }
    }
  }
}
