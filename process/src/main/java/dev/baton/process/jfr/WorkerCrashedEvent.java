package dev.baton.process.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A worker process of a process pool died while it had work. An instant event. */
@Name("dev.baton.WorkerCrashed")
@Label("Worker Crashed")
@Category({"Baton", "Process Pool"})
@Description("A pool's worker process died with work in flight")
@StackTrace(false)
public final class WorkerCrashedEvent extends Event {
  /** The pool's name. */
  @Label("Pool")
  public String pool;

  /** The worker's process id. */
  @Label("Worker PID")
  public long workerPid;

  /** Its exit code, or -1 if unknown. */
  @Label("Exit Code")
  public int exitCode;

  /** The task it was running, or null. */
  @Label("Task")
  public String task;
}
