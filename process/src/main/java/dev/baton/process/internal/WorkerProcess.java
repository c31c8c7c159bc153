package dev.baton.process.internal;

import dev.baton.core.trace.Lane;
import dev.baton.process.PoolTrace;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's handle on one worker JVM: its process, the writer side of its stdin, a thread that
 * reads frames off its stdout and one that forwards its stderr lines to SLF4J (logger {@code
 * dev.baton.process.worker.NAME}) while keeping the last {@value #TAIL_LINES} for crash reports.
 *
 * <p>Threading: {@link #send} and {@link #closeInput} are called under the pool's lock, so frames
 * reach stdin in the order the pool decided; {@code inFlight}, {@code dispatched} and {@code
 * retired} are guarded by that same lock. The reader thread calls the {@link Listener} without
 * holding any lock.
 */
public final class WorkerProcess {
  /** Lines of stderr kept for a crash report. */
  public static final int TAIL_LINES = 20;

  /** Longest stderr line kept, in chars; the rest of a longer line is dropped and counted. */
  public static final int MAX_LINE = 8192;

  private static final byte[] NO_BYTES = new byte[0];

  /** Why the pool ended a worker on purpose; written before the kill, read after the exit. */
  public enum Death {
    /** Not ended on purpose: any exit is a crash. */
    NONE,
    /** Its task exceeded the task timeout. */
    TIMEOUT,
    /** Its running task was cancelled with interruption. */
    CANCELLED,
    /** It wrote bytes that are not a frame. */
    CORRUPT,
    /** It was stopped by a signal while another worker waited for a task it held. */
    STOPPED,
    /** It did not report ready in time. */
    STARTUP_TIMEOUT,
    /** The pool retired it (recycling or shutdown): its stdin was closed. */
    RETIRED,
    /** The pool was shut down now. */
    SHUTDOWN
  }

  /** What the reader thread reports. Called without locks, on the worker's reader thread. */
  public interface Listener {
    /**
     * @param worker the worker that reported ready
     */
    void ready(WorkerProcess worker);

    /**
     * @param worker the worker
     * @param frame a result, error or cancellation frame
     */
    void frame(WorkerProcess worker, Frame frame);

    /**
     * The reader has read every byte the worker has written so far: what was written to workers
     * without a flush while it read ({@link #sendTask}) must be flushed now.
     *
     * @param worker the worker whose reader has nothing more to read for now
     */
    void drained(WorkerProcess worker);

    /**
     * The worker's process has ended and its streams are drained.
     *
     * @param worker the worker
     */
    void exited(WorkerProcess worker);
  }

  private final String name;
  private final Process process;
  private final long pid;
  private final DataOutputStream stdin;
  private final Logger log;
  private final Listener listener;
  private final long maxPayload;

  /** Completed when the worker reports ready, exceptionally when it ends first. */
  private final CompletableFuture<Void> ready = new CompletableFuture<>();

  /** Last stderr lines; guarded by itself. */
  private final ArrayDeque<String> tail = new ArrayDeque<>();

  private final Thread stderrPump;

  /** Tasks sent and not answered, oldest (the running one) first. Guarded by the pool's lock. */
  final ArrayDeque<Job> inFlight = new ArrayDeque<>();

  /** Ids of the map functions this worker has received. Guarded by the pool's lock. */
  public final java.util.Set<Long> knownFunctions = new java.util.HashSet<>();

  /** Tasks sent over this worker's life. Guarded by the pool's lock. */
  public int dispatched;

  /** Whether the pool stopped sending to it. Guarded by the pool's lock. */
  public boolean retired;

  /** Set once before the pool kills or retires it; read by the pool after exit. */
  private volatile Death death = Death.NONE;

  private volatile String deathDetail = "";

  private volatile long deathTask;

  /** The worker's row in trace diagrams: the parent records its marks and shipped spans there. */
  private final Lane lane;

  /** The worker's clock offset estimate. Confined to the reader thread. */
  private final WorkerTrace.Clock clock = new WorkerTrace.Clock();

  /** When the PING frame was sent (this JVM's nanoTime); written before it is sent. */
  private volatile long pingSentNanos;

  /** Why the init failed, when the worker said so. Written by the reader before it exits. */
  private volatile Payloads.ErrorRecord initFailure;

  private WorkerProcess(String name, Process process, Listener listener, long maxPayload) {
    this.name = name;
    this.process = process;
    this.pid = process.pid();
    this.lane = Lane.of(PoolTrace.WORKER, name, pid);
    this.listener = listener;
    this.maxPayload = maxPayload;
    this.log = LoggerFactory.getLogger("dev.baton.process.worker." + name);
    this.stdin = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
    this.stderrPump = new Thread(this::pumpStderr, name + "-stderr");
    this.stderrPump.setDaemon(true);
  }

  /**
   * Starts a worker JVM and sends it its init frame; returns at once (the JVM boots in parallel).
   *
   * @param name the worker's name (also its logger's suffix)
   * @param command the full command line
   * @param environment variables added to the inherited environment
   * @param init the init frame's payload
   * @param maxPayload the largest frame accepted from it
   * @param listener who hears its frames and its end
   * @return the worker
   * @throws IOException when the process cannot be started
   */
  public static WorkerProcess start(
      String name,
      List<String> command,
      java.util.Map<String, String> environment,
      byte[] init,
      long maxPayload,
      Listener listener)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    Process process = builder.start();
    ChildProcesses.register(process);
    WorkerProcess worker = new WorkerProcess(name, process, listener, maxPayload);
    worker.stderrPump.start();
    Thread reader = new Thread(worker::readLoop, name + "-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      Frame.write(worker.stdin, Frame.T_INIT, 0, init);
      worker.stdin.flush();
    } catch (IOException e) {
      // the process died at once; the reader reports its exit with the stderr tail
    }
    return worker;
  }

  /**
   * @return the worker's name
   */
  public String name() {
    return name;
  }

  /**
   * @return its process id
   */
  public long pid() {
    return pid;
  }

  /**
   * @return its lane in traces
   */
  public Lane lane() {
    return lane;
  }

  /**
   * @return its clock offset estimate; use only on its reader thread (inside {@link
   *     Listener#frame})
   */
  public WorkerTrace.Clock clock() {
    return clock;
  }

  /**
   * Sends a PING frame, whose answer gives the first estimate of the worker's clock offset. Called
   * under the pool's lock, once the worker is ready.
   */
  public void sendPing() {
    pingSentNanos = System.nanoTime();
    send(Frame.T_PING, 0, NO_BYTES);
  }

  /**
   * @return completed when it reports ready
   */
  public CompletableFuture<Void> readyFuture() {
    return ready;
  }

  /**
   * @return whether it has reported ready
   */
  public boolean isReady() {
    return ready.isDone() && !ready.isCompletedExceptionally();
  }

  /**
   * @return why the pool ended it, or {@link Death#NONE}
   */
  public Death death() {
    return death;
  }

  /**
   * @return details of {@link #death()}
   */
  public String deathDetail() {
    return deathDetail;
  }

  /**
   * @return the initializer's failure, when the worker reported one
   */
  public Payloads.ErrorRecord initFailure() {
    return initFailure;
  }

  /**
   * @return whether the OS reports the process stopped by a signal ({@code /proc/<pid>/stat} state
   *     {@code T}); false where there is no {@code /proc}, and for a process stopped by a debugger
   */
  public boolean isStoppedBySignal() {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      int end = stat.lastIndexOf(')'); // the command name may hold spaces and parentheses
      return end > 0 && stat.length() > end + 2 && stat.charAt(end + 2) == 'T';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * @return its exit code, or null while it runs
   */
  public Integer exitCode() {
    return process.isAlive() ? null : process.exitValue();
  }

  /**
   * @return the last lines it wrote on stderr, oldest first
   */
  public List<String> stderrTail() {
    synchronized (tail) {
      return new ArrayList<>(tail);
    }
  }

  /**
   * Writes a frame and flushes. Called under the pool's lock.
   *
   * @param type the frame type
   * @param id the task id
   * @param payload the body
   * @return false when the worker's stdin is broken (its exit will be reported)
   */
  public boolean send(byte type, long id, byte[] payload) {
    try {
      Frame.write(stdin, type, id, payload);
      stdin.flush();
      unflushed = false;
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Writes a task frame into the stdin buffer, without flushing it: the pool flushes once it has
   * sent what it will send now ({@link #flush}), so that tasks sent together travel in one write.
   * Called under the pool's lock.
   *
   * @param id the task id
   * @param body the task
   * @param withFunction whether to include its function's bytes
   * @param traced whether the worker should trace it and ship its events
   */
  public void sendTask(long id, Payloads.TaskBody body, boolean withFunction, boolean traced) {
    try {
      body.writeFrame(stdin, id, withFunction, traced);
      unflushed = true;
    } catch (IOException e) {
      // the worker is gone; its reader reports the exit and the pool requeues the task
    }
  }

  /** Flushes the task frames written since the last flush. Called under the pool's lock. */
  public void flush() {
    if (!unflushed) {
      return;
    }
    unflushed = false;
    try {
      stdin.flush();
    } catch (IOException e) {
      // the worker is gone; its reader reports the exit and the pool requeues its tasks
    }
  }

  /** Whether task frames wait in the stdin buffer. Guarded by the pool's lock. */
  private boolean unflushed;

  /**
   * Sends a cancel frame for a task that has not started.
   *
   * @param id the task id
   */
  public void sendCancel(long id) {
    send(Frame.T_CANCEL, id, NO_BYTES);
  }

  /** Closes its stdin: an idle worker exits at once. Called under the pool's lock. */
  public void closeInput() {
    markDeath(Death.RETIRED, 0, "retired");
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /**
   * Kills the process (SIGKILL on Unix) after recording why; the first reason recorded wins.
   *
   * @param why the reason
   * @param task the id of the task it is killed for, or 0
   * @param detail words for the report
   */
  public void kill(Death why, long task, String detail) {
    markDeath(why, task, detail);
    process.destroyForcibly();
  }

  private synchronized void markDeath(Death why, long task, String detail) {
    if (death == Death.NONE) {
      deathDetail = detail;
      deathTask = task;
      death = why;
    }
  }

  /**
   * @return the id of the task blamed for the kill, or 0
   */
  public long deathTask() {
    return deathTask;
  }

  private void readLoop() {
    FrameInput buffer = new FrameInput(process.getInputStream(), 1 << 16);
    DataInputStream in = new DataInputStream(buffer);
    try {
      while (true) {
        Frame frame = Frame.read(in, maxPayload);
        if (frame == null) {
          break;
        }
        if (frame.type() == Frame.T_READY) {
          ready.complete(null);
          listener.ready(this);
        } else if (frame.type() == Frame.T_PONG) {
          long received = System.nanoTime();
          long workerNanos = Payloads.readLong(frame.payload());
          clock.observe(pingSentNanos, workerNanos, workerNanos, received);
        } else if (frame.type() == Frame.T_INIT_FAILED) {
          initFailure = Payloads.ErrorRecord.decode(frame.payload());
        } else {
          listener.frame(this, frame);
        }
        if (!buffer.hasBuffered()) {
          listener.drained(this);
        }
      }
    } catch (CorruptFrameException e) {
      log.error(
          "worker {} (pid {}) wrote a corrupted frame, replacing it: {}",
          name,
          pid,
          e.getMessage());
      kill(Death.CORRUPT, 0, "protocol stream corrupted: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      if (death == Death.NONE) {
        log.warn("worker {} (pid {}): its output stream failed: {}", name, pid, e.toString());
      }
      process.destroyForcibly();
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
      stderrPump.join(TimeUnit.SECONDS.toMillis(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    listener.exited(this);
  }

  /**
   * Forwards stderr line by line, each cut at {@value #MAX_LINE} chars, so that a worker writing an
   * endless line costs this thread a bounded buffer.
   */
  private void pumpStderr() {
    try (BufferedReader err =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      StringBuilder line = new StringBuilder();
      long dropped = 0;
      char[] chunk = new char[4096];
      int n;
      while ((n = err.read(chunk)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = chunk[i];
          if (c == '\n') {
            forward(line, dropped);
            line.setLength(0);
            dropped = 0;
          } else if (line.length() < MAX_LINE) {
            line.append(c);
          } else {
            dropped++;
          }
        }
      }
      if (!line.isEmpty() || dropped > 0) {
        forward(line, dropped);
      }
    } catch (IOException e) {
      log.debug("stderr of worker {} closed: {}", name, e.toString());
    }
  }

  private void forward(StringBuilder chars, long dropped) {
    int end = chars.length();
    if (end > 0 && chars.charAt(end - 1) == '\r') {
      chars.setLength(end - 1);
    }
    String line = dropped == 0 ? chars.toString() : chars + "... (" + dropped + " more chars cut)";
    log.info("{}", line);
    synchronized (tail) {
      if (tail.size() == TAIL_LINES) {
        tail.removeFirst();
      }
      tail.addLast(line);
    }
  }

  /**
   * Closes the stream the reader reads, so a reader kept blocked by a grandchild process that
   * inherited the worker's stdout ends too.
   */
  public void closeOutput() {
    try {
      process.getInputStream().close();
    } catch (IOException e) {
      // nothing left to close
    }
  }

  /**
   * @return completed when the process has ended
   */
  public CompletableFuture<Process> onExit() {
    return process.onExit();
  }

  @Override
  public String toString() {
    return name + " (pid " + pid + ")";
  }
}
