package dev.baton.process.internal;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.trace.SpanState;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.Tracer;
import dev.baton.process.Codec;
import dev.baton.process.PoolRunnable;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The main class of a worker JVM. Its stdout carries only protocol frames: {@code System.out} is
 * pointed at stderr before anything else runs, and stderr is the worker's log channel (the parent
 * forwards its lines to SLF4J and keeps the last ones for crash reports).
 *
 * <p>The protocol streams are out of the tasks' reach: before anything else runs, the worker opens
 * its stdin and stdout pipes again through {@code /dev/fd} (new descriptors on the same pipes),
 * speaks the protocol on those, and closes descriptors 0 and 1; {@code System.in} reads nothing. A
 * task that closes {@code System.in}, or writes to {@code new
 * FileOutputStream(FileDescriptor.out)}, then touches only itself (the write fails in that task)
 * instead of the stream that carries the next task. Where {@code /dev/fd} does not exist the worker
 * keeps descriptors 0 and 1.
 *
 * <p>Nothing a task does ends the task loop but the end of the JVM: any failure to decode its
 * input, run it, or encode its result is answered as that task's error; an error while answering
 * halts the worker with {@value #EXIT_TASK_LOOP}, so that the parent sees it die rather than wait
 * on a worker that reads tasks and never answers.
 *
 * <p>Two threads share stdin, one frame at a time under {@link #stdin}: the main thread runs tasks
 * one at a time, in arrival order, and writes one answer per task; while it has no task it reads
 * stdin itself, so that the frame that brings a task wakes the thread that runs it, with no
 * hand-off in between. While it runs a task, the watcher thread reads whatever frames arrive
 * (polling every {@value #WATCH_MICROS} µs, so that it never holds stdin when the main thread comes
 * back): tasks sent ahead go into a queue, a cancel frame removes its task from there and is
 * answered at once (CANCELLED, or STARTED when the main thread has already taken the task, so the
 * parent never believes a started task was dropped), a large frame never waits in the pipe. Before
 * it starts a waiting task (not a map chunk) the main thread reads what has arrived, so that a
 * cancel already in the pipe is honoured even if the watcher had no turn since. Either thread exits
 * the JVM when stdin closes; while a task runs, stdin is not read to its end, so the watcher also
 * exits the JVM when the parent process is gone, even in the middle of a task.
 */
public final class WorkerMain {
  private static final int EXIT_PROTOCOL = 3;
  private static final int EXIT_INIT_FAILED = 2;
  private static final int EXIT_TASK_LOOP = 4;

  /**
   * Added to every time the worker ships (PONG, SPANS). 0 unless a test sets the system property
   * {@code dev.baton.process.worker.clockSkewNanos} to simulate a JVM whose nanoTime origin differs
   * from the parent's, as it may on other platforms (on Linux both read CLOCK_MONOTONIC).
   */
  private static final long CLOCK_SKEW = Long.getLong("dev.baton.process.worker.clockSkewNanos", 0);

  /** Ring size of the worker's trace session: each task drains it, so it need not be large. */
  private static final int EVENTS_PER_TASK_THREAD = 1 << 12;

  /** The RUNNING span of a traced task, as shipped. */
  private static final String TASK_LABEL = "task";

  private final DataOutputStream out;
  private final String name;
  private final ValueCodec codec;
  private final ClassLoader loader;

  /**
   * Tasks read but not started. A cancel frame removes its task from here if the main loop has not
   * taken it yet, and is answered for it. Guarded by {@link #stdin}.
   */
  private final java.util.ArrayDeque<Work> tasks = new java.util.ArrayDeque<>();

  /**
   * Serialized map functions by id, as the parent sent them: it sends a function's bytes with the
   * first chunk a worker gets and only its id after that, until it sends a forget frame. Guarded by
   * {@link #stdin}: its readers see frames in the parent's order, so they know what it knows.
   */
  private final Map<Long, byte[]> functionBytes = new HashMap<>();

  /**
   * Deserialized map functions by id: a worker applies one instance to all the items of a chunk
   * anyway, so it may as well apply it to the next chunk's. Confined to the main loop; least
   * recently used evicted (they are deserialized again from their bytes).
   */
  private final Map<Long, Object> functions =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Object> eldest) {
          return size() > 32;
        }
      };

  /**
   * This worker's trace session: open while the parent sends traced tasks, closed by the first
   * untraced one, so that nothing is recorded while the parent's tracer is off. Confined to the
   * main loop.
   */
  private TraceSession trace;

  /**
   * A task on its way from stdin to the main loop.
   *
   * @param id the task id
   * @param traced whether the parent asked for its trace events
   * @param kind its kind
   * @param functionId its function's id, or 0
   * @param function the function's (or task's) bytes, or null when the parent sent an unknown id
   * @param payload the frame's payload (the values start after the function)
   * @param valuesOffset where the values start in it
   */
  private record Work(
      long id,
      boolean traced,
      byte kind,
      long functionId,
      byte[] function,
      byte[] payload,
      int valuesOffset) {}

  private WorkerMain(
      DataOutputStream out,
      ValueCodec codec,
      ClassLoader loader,
      DataInputStream in,
      FrameInput buffer,
      String name,
      long maxBytes) {
    this.out = out;
    this.name = name;
    this.codec = codec;
    this.loader = loader;
    this.in = in;
    this.buffer = buffer;
    this.maxBytes = maxBytes;
  }

  /**
   * Runs a worker: reads its init frame, runs its initializer, reports ready, serves tasks until
   * stdin closes.
   *
   * @param args the worker's name
   * @throws Exception never in practice: failures end the JVM with a non-zero status
   */
  public static void main(String[] args) throws Exception {
    PrintStream stderr = System.err;
    System.setOut(stderr);
    FileInputStream protocolIn;
    FileOutputStream protocolOut;
    try {
      protocolIn = new FileInputStream("/dev/fd/0");
      protocolOut = new FileOutputStream("/dev/fd/1");
    } catch (IOException e) {
      protocolIn = new FileInputStream(FileDescriptor.in);
      protocolOut = new FileOutputStream(FileDescriptor.out);
    }
    if (protocolOut.getFD() != FileDescriptor.out) {
      closeQuietly(new FileInputStream(FileDescriptor.in));
      closeQuietly(new FileOutputStream(FileDescriptor.out));
    }
    System.setIn(InputStream.nullInputStream());
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(protocolOut, 1 << 16));
    FrameInput buffer = new FrameInput(protocolIn, 1 << 16);
    DataInputStream in = new DataInputStream(buffer);
    String name = args.length > 0 ? args[0] : "worker";
    ClassLoader loader = WorkerMain.class.getClassLoader();

    Frame init;
    try {
      init = Frame.read(in, Integer.MAX_VALUE);
    } catch (IOException e) {
      stderr.println(name + ": unreadable init frame: " + e);
      Runtime.getRuntime().halt(EXIT_PROTOCOL);
      return;
    }
    if (init == null) {
      Runtime.getRuntime().halt(0);
      return;
    }
    if (init.type() != Frame.T_INIT) {
      stderr.println(name + ": expected an init frame, got type " + init.type());
      Runtime.getRuntime().halt(EXIT_PROTOCOL);
    }
    DataInputStream config = new DataInputStream(new ByteArrayInputStream(init.payload()));
    Codec codecKind = Codec.values()[config.readByte()];
    SerialPolicy policy = SerialPolicy.readFrom(config);
    byte[] initializer = config.readNBytes(config.readInt());
    ValueCodec codec = new ValueCodec(codecKind, policy, loader);

    if (initializer.length > 0) {
      try {
        ((PoolRunnable) policy.deserializeCode(initializer, loader)).run();
      } catch (Throwable t) {
        Frame.write(
            out, Frame.T_INIT_FAILED, 0, Payloads.ErrorRecord.of(Payloads.TASK_THREW, t).encode());
        out.flush();
        Runtime.getRuntime().halt(EXIT_INIT_FAILED);
      }
    }
    Frame.write(out, Frame.T_READY, 0, Payloads.longBytes(ProcessHandle.current().pid()));
    out.flush();

    WorkerMain worker = new WorkerMain(out, codec, loader, in, buffer, name, policy.maxBytes());
    Thread watcher = new Thread(worker::watch, name + "-stdin");
    watcher.setDaemon(true);
    watcher.start();
    worker.taskLoop();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // the descriptor stays open: the protocol runs on the new one all the same
    }
  }

  /** How often the watcher looks at stdin while a task runs. */
  private static final long WATCH_MICROS = 1000;

  /** How often it looks whether a task runs, while none does. */
  private static final long IDLE_WATCH_MICROS = 20_000;

  /** Held while reading a frame, by whichever thread reads it. */
  private final java.util.concurrent.locks.ReentrantLock stdin =
      new java.util.concurrent.locks.ReentrantLock();

  /** Whether the main thread is running a task (the watcher reads stdin meanwhile). */
  private volatile boolean running;

  /** Read under {@link #stdin}. */
  private final DataInputStream in;

  /** The buffer under {@link #in}; read under {@link #stdin}. */
  private final FrameInput buffer;

  private final long maxBytes;

  /** The watcher: reads the frames that arrive while a task runs; exits if the parent is gone. */
  private void watch() {
    ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
    long polls = 0;
    try {
      while (true) {
        java.util.concurrent.locks.LockSupport.parkNanos(
            (running ? WATCH_MICROS : IDLE_WATCH_MICROS) * 1000);
        if (!running) {
          continue;
        }
        if (unflushed) {
          flushAnswers();
        }
        if (stdin.tryLock()) { // else the main thread is back and reads
          try {
            while (running && in.available() > 0) {
              handle(Frame.read(in, maxBytes));
            }
          } finally {
            stdin.unlock();
          }
        }
        if (parent != null && ++polls % 100 == 0 && !parent.isAlive()) {
          Runtime.getRuntime().halt(0);
        }
      }
    } catch (IOException e) {
      protocolFailure(e);
    }
  }

  private void protocolFailure(IOException e) {
    // stderr is this process's log channel: the parent logs it and keeps it for crash reports
    System.err.println(name + ": protocol failure on stdin, exiting: " + e.getMessage());
    Runtime.getRuntime().halt(EXIT_PROTOCOL);
  }

  /** Handles one frame read from stdin, holding {@link #stdin}. */
  private void handle(Frame frame) throws IOException {
    if (frame == null) {
      flushAnswers();
      Runtime.getRuntime().halt(0);
    } else if (frame.type() == Frame.T_CANCEL) {
      long id = frame.id();
      // both under stdin with the main loop's poll: a task is either still queued or started
      send(
          tasks.removeIf(f -> f.id() == id) ? Frame.T_CANCELLED : Frame.T_STARTED, id, new byte[0]);
    } else if (frame.type() == Frame.T_PING) {
      send(Frame.T_PONG, frame.id(), Payloads.longBytes(System.nanoTime() + CLOCK_SKEW));
    } else if (frame.type() == Frame.T_TASK) {
      tasks.add(work(frame));
    } else if (frame.type() == Frame.T_FORGET) {
      functionBytes.clear();
    } else {
      throw new IOException("unexpected frame type " + frame.type());
    }
  }

  private Work work(Frame frame) throws IOException {
    byte[] p = frame.payload();
    if (p.length < Payloads.TASK_HEADER) {
      throw new IOException("task frame of " + p.length + " bytes");
    }
    DataInputStream header = new DataInputStream(new ByteArrayInputStream(p));
    byte flagged = header.readByte();
    boolean traced = (flagged & Payloads.TRACED) != 0;
    byte kind = (byte) (flagged & ~Payloads.TRACED);
    long functionId = header.readLong();
    int fnLength = header.readInt();
    if (fnLength < 0 || fnLength > p.length - Payloads.TASK_HEADER) {
      throw new IOException("task function length " + fnLength + " out of its frame");
    }
    byte[] function;
    if (fnLength > 0) {
      function = Arrays.copyOfRange(p, Payloads.TASK_HEADER, Payloads.TASK_HEADER + fnLength);
      if (functionId != 0) {
        functionBytes.put(functionId, function);
      }
    } else {
      function = functionBytes.get(functionId);
    }
    return new Work(
        frame.id(), traced, kind, functionId, function, p, Payloads.TASK_HEADER + fnLength);
  }

  private void taskLoop() throws IOException {
    while (true) {
      Work work;
      stdin.lock();
      try {
        while (!tasks.isEmpty() && tasks.peek().kind() == Payloads.CALL && in.available() > 0) {
          // a task (not a map chunk: those are many and small, and a system call each would
          // cost them) waits to start: first the frames that came while the last one ran, a
          // cancel for it among them; with none waiting, the loop below reads them anyway
          handle(Frame.read(in, maxBytes));
        }
        work = tasks.poll();
        while (work == null) {
          if (unflushed && !buffer.hasBuffered()) {
            flushAnswers(); // about to wait: nothing answered may wait with it
          }
          handle(Frame.read(in, maxBytes));
          work = tasks.poll();
        }
        if (unflushed && work.kind() == Payloads.CALL) {
          // a task (not a map chunk) starts only once the answers before it are in the pipe: if
          // this worker dies running it, the parent knows it was this task that may have run
          flushAnswers();
        }
        running = true;
      } catch (IOException e) {
        protocolFailure(e);
        return;
      } finally {
        stdin.unlock();
      }
      try {
        answer(work);
      } catch (Throwable t) {
        // the answer could not be written: die, so that the parent fails or retries this task
        System.err.println(name + ": cannot answer task " + work.id() + ", exiting: " + t);
        Runtime.getRuntime().halt(EXIT_TASK_LOOP);
      } finally {
        running = false;
      }
    }
  }

  /** Writes one answer; the main loop and the watcher both answer, so writes are serialized. */
  private void send(byte type, long id, byte[] payload) throws IOException {
    synchronized (out) {
      Frame.write(out, type, id, payload);
      out.flush();
      unflushed = false;
    }
  }

  /**
   * Answers written and not flushed: the main loop writes a task's answer without flushing when
   * another task is already at hand, so that answers to small tasks sent ahead travel in batches;
   * it flushes before it waits for stdin, and the watcher flushes within {@value #WATCH_MICROS} µs
   * while a task runs. Written under {@link #out}; the watcher reads it without (a stale value
   * costs one flush or delays one by a tick).
   */
  private volatile boolean unflushed;

  private void flushAnswers() throws IOException {
    synchronized (out) {
      if (unflushed) {
        out.flush();
        unflushed = false;
      }
    }
  }

  private void answer(Work work) throws IOException {
    long traceStart = traceStart(work.traced());
    long id = work.id();
    byte[] payload = work.payload();
    Object task;
    Object values;
    try {
      if (work.function() == null) {
        throw new IOException(
            "the parent referred to function " + work.functionId() + ", unknown here");
      }
      if (work.functionId() == 0) {
        task = codec.policy().deserializeCode(work.function(), loader);
      } else {
        task = functions.get(work.functionId());
        if (task == null) {
          task = codec.policy().deserializeCode(work.function(), loader);
          functions.put(work.functionId(), task);
        }
      }
      values =
          payload.length > work.valuesOffset()
              ? codec.decode(Arrays.copyOfRange(payload, work.valuesOffset(), payload.length))
              : null;
    } catch (Exception | LinkageError e) {
      error(traceStart, id, Payloads.INPUT_REJECTED, e);
      return;
    }
    Object result;
    try {
      result = Answers.run(work.kind(), task, values);
    } catch (Throwable t) {
      error(traceStart, id, Payloads.TASK_THREW, t);
      return;
    }
    byte[] encoded;
    try {
      encoded = codec.encode(result);
    } catch (IOException | RuntimeException | LinkageError | StackOverflowError e) {
      error(traceStart, id, Payloads.RESULT_NOT_SERIALIZABLE, e);
      return;
    }
    reply(traceStart, Frame.T_RESULT, id, encoded);
  }

  /**
   * Opens this worker's trace session for a traced task, closes it for an untraced one.
   *
   * @return the task's start time, or 0 when it is not traced
   */
  private long traceStart(boolean traced) {
    if (!traced) {
      if (trace != null) {
        trace.close();
        trace = null;
      }
      return 0L;
    }
    if (trace == null) {
      try {
        trace = Tracer.enable(EVENTS_PER_TASK_THREAD);
      } catch (BatonMisuseException e) {
        return 0L; // the task code opened a session of its own: ship nothing rather than mix
      }
      Tracer.threadLane(); // makes this thread's buffer now, outside the task's span
    }
    return Tracer.now();
  }

  /**
   * Writes a task's answer, preceded, when it was traced, by its RUNNING span and the events its
   * thread recorded meanwhile.
   */
  private void reply(long traceStart, byte type, long id, byte[] payload) throws IOException {
    if (traceStart == 0L) {
      synchronized (out) {
        Frame.write(out, type, id, payload);
        unflushed = true; // flushed before the main loop waits for stdin, or by the watcher
      }
      return;
    }
    Tracer.span(SpanState.RUNNING, traceStart, TASK_LABEL);
    byte[] spans = WorkerTrace.encode(trace.drain(), Tracer.threadLane(), traceStart, CLOCK_SKEW);
    synchronized (out) {
      Frame.write(out, Frame.T_SPANS, id, spans);
      Frame.write(out, type, id, payload);
      out.flush();
    }
  }

  private void error(long traceStart, long id, byte kind, Throwable failure) throws IOException {
    reply(
        traceStart,
        Frame.T_ERROR,
        id,
        Payloads.ErrorRecord.of(kind, failure).encodeWithin(codec.policy().maxBytes()));
  }
}
