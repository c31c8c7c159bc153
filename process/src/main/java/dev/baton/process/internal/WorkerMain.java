package dev.baton.process.internal;

import dev.baton.process.Codec;
import dev.baton.process.PoolBiFunction;
import dev.baton.process.PoolFunction;
import dev.baton.process.PoolRunnable;
import dev.baton.process.PoolTask;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The main class of a worker JVM. Its stdout carries only protocol frames: {@code System.out} is
 * pointed at stderr before anything else runs, and stderr is the worker's log channel (the parent
 * forwards its lines to SLF4J and keeps the last ones for crash reports).
 *
 * <p>Two threads: the reader takes frames off stdin into a queue (and exits the JVM when stdin
 * closes, even in the middle of a task, since that means the parent is gone or retired it); the
 * main thread runs tasks one at a time, in arrival order, and writes one answer per task.
 */
public final class WorkerMain {
  private static final int EXIT_PROTOCOL = 3;
  private static final int EXIT_INIT_FAILED = 2;

  private final DataOutputStream out;
  private final ValueCodec codec;
  private final ClassLoader loader;

  /**
   * Frames from the reader thread to the main loop. A cancel frame removes its task from here if
   * the main loop has not taken it yet; the reader then answers for it.
   */
  private final LinkedBlockingQueue<Frame> tasks = new LinkedBlockingQueue<>();

  private WorkerMain(DataOutputStream out, ValueCodec codec, ClassLoader loader) {
    this.out = out;
    this.codec = codec;
    this.loader = loader;
  }

  /**
   * Runs a worker: reads its init frame, runs its initializer, reports ready, serves tasks until
   * stdin closes.
   *
   * @param args the worker's name
   * @throws Exception never in practice: failures end the JVM with a non-zero status
   */
  public static void main(String[] args) throws Exception {
    FileOutputStream protocolOut = new FileOutputStream(FileDescriptor.out);
    PrintStream stderr = System.err;
    System.setOut(stderr);
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(protocolOut, 1 << 16));
    DataInputStream in =
        new DataInputStream(
            new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
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
    byte[] pid = new byte[8];
    long p = ProcessHandle.current().pid();
    for (int i = 7; i >= 0; i--) {
      pid[i] = (byte) p;
      p >>>= 8;
    }
    Frame.write(out, Frame.T_READY, 0, pid);
    out.flush();

    WorkerMain worker = new WorkerMain(out, codec, loader);
    Thread reader = new Thread(() -> worker.readLoop(in, name, policy.maxBytes()), name + "-stdin");
    reader.setDaemon(true);
    reader.start();
    worker.taskLoop();
  }

  private void readLoop(DataInputStream in, String name, long maxBytes) {
    try {
      while (true) {
        Frame frame = Frame.read(in, maxBytes);
        if (frame == null) {
          Runtime.getRuntime().halt(0);
        } else if (frame.type() == Frame.T_CANCEL) {
          long id = frame.id();
          if (tasks.removeIf(f -> f.id() == id)) {
            send(Frame.T_CANCELLED, id, new byte[0]);
          }
        } else if (frame.type() == Frame.T_TASK) {
          tasks.add(frame);
        } else {
          throw new IOException("unexpected frame type " + frame.type());
        }
      }
    } catch (IOException e) {
      // stderr is this process's log channel: the parent logs it and keeps it for crash reports
      System.err.println(name + ": protocol failure on stdin, exiting: " + e.getMessage());
      Runtime.getRuntime().halt(EXIT_PROTOCOL);
    }
  }

  private void taskLoop() throws InterruptedException, IOException {
    while (true) {
      Frame frame = tasks.take();
      answer(frame.id(), frame.payload());
    }
  }

  /** Writes one answer; the main loop and the reader both answer, so writes are serialized. */
  private void send(byte type, long id, byte[] payload) throws IOException {
    synchronized (out) {
      Frame.write(out, type, id, payload);
      out.flush();
    }
  }

  private void answer(long id, byte[] payload) throws IOException {
    Object task;
    Object values;
    try {
      int fnLength =
          ((payload[1] & 0xff) << 24)
              | ((payload[2] & 0xff) << 16)
              | ((payload[3] & 0xff) << 8)
              | (payload[4] & 0xff);
      task = codec.policy().deserializeCode(Arrays.copyOfRange(payload, 5, 5 + fnLength), loader);
      values =
          payload.length > 5 + fnLength
              ? codec.decode(Arrays.copyOfRange(payload, 5 + fnLength, payload.length))
              : null;
    } catch (Exception | LinkageError e) {
      error(id, Payloads.INPUT_REJECTED, e);
      return;
    }
    Object result;
    try {
      result = run(payload[0], task, values);
    } catch (Throwable t) {
      error(id, Payloads.TASK_THREW, t);
      return;
    }
    byte[] encoded;
    try {
      encoded = codec.encode(result);
    } catch (IOException | RuntimeException e) {
      error(id, Payloads.RESULT_NOT_SERIALIZABLE, e);
      return;
    }
    send(Frame.T_RESULT, id, encoded);
  }

  @SuppressWarnings("unchecked")
  private static Object run(byte kind, Object task, Object values) throws Exception {
    switch (kind) {
      case Payloads.CALL -> {
        return ((PoolTask<Object>) task).call();
      }
      case Payloads.MAP -> {
        PoolFunction<Object, Object> fn = (PoolFunction<Object, Object>) task;
        List<?> items = (List<?>) values;
        List<Object> results = new ArrayList<>(items.size());
        for (Object item : items) {
          results.add(fn.apply(item));
        }
        return results;
      }
      case Payloads.STAR -> {
        PoolBiFunction<Object, Object, Object> fn = (PoolBiFunction<Object, Object, Object>) task;
        List<?> pairs = (List<?>) values;
        List<Object> results = new ArrayList<>(pairs.size());
        for (Object pair : pairs) {
          List<?> p = (List<?>) pair;
          results.add(fn.apply(p.get(0), p.get(1)));
        }
        return results;
      }
      default -> throw new IllegalArgumentException("unknown task kind " + kind);
    }
  }

  private void error(long id, byte kind, Throwable failure) throws IOException {
    send(Frame.T_ERROR, id, Payloads.ErrorRecord.of(kind, failure).encode());
  }
}
