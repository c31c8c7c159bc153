package dev.baton.process.internal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The payload formats inside frames: tasks, error records, strings. Stateless. */
public final class Payloads {
  /** Task kind: a {@code PoolTask}; no values. */
  public static final byte CALL = 1;

  /** Task kind: a {@code PoolFunction} and a list of arguments; the result is a list. */
  public static final byte MAP = 2;

  /** Task kind: a {@code PoolBiFunction} and a list of two-element lists; the result is a list. */
  public static final byte STAR = 3;

  /**
   * Flag on a TASK frame's kind byte: the parent's tracer is on, so the worker traces the task and
   * ships its events in a SPANS frame before the answer (see {@link WorkerTrace}).
   */
  public static final byte TRACED = 0x40;

  /** Error kind: the task threw. */
  public static final byte TASK_THREW = 1;

  /** Error kind: the result could not be serialized. */
  public static final byte RESULT_NOT_SERIALIZABLE = 2;

  /** Error kind: the worker refused to deserialize the task or its arguments. */
  public static final byte INPUT_REJECTED = 3;

  private Payloads() {}

  /**
   * @param value a long
   * @return its 8 bytes, big-endian (the payload of READY and PONG frames)
   */
  public static byte[] longBytes(long value) {
    byte[] bytes = new byte[8];
    for (int i = 7; i >= 0; i--) {
      bytes[i] = (byte) value;
      value >>>= 8;
    }
    return bytes;
  }

  /**
   * @param bytes at least 8 bytes
   * @return the big-endian long they start with
   * @throws IllegalArgumentException if there are fewer than 8
   */
  public static long readLong(byte[] bytes) {
    if (bytes.length < 8) {
      throw new IllegalArgumentException("a long needs 8 bytes, got " + bytes.length);
    }
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[i] & 0xff);
    }
    return value;
  }

  /**
   * A task as the parent holds it until it is sent.
   *
   * @param kind the task kind
   * @param functionId 0 for a task, else the id of a map's function (the same for all its chunks)
   * @param function the serialized task or function
   * @param values the encoded arguments, or null
   */
  public record TaskBody(byte kind, long functionId, byte[] function, byte[] values) {

    /**
     * Writes a whole task frame: {@code kind:byte functionId:long length:int function values}.
     * Without the function (length 0), the worker uses the one it last received under that id.
     *
     * @param out the stream; the caller flushes
     * @param id the task id
     * @param withFunction whether to include the function's bytes
     * @param traced whether to set the {@link #TRACED} flag
     * @throws IOException when the stream fails
     */
    public void writeFrame(DataOutputStream out, long id, boolean withFunction, boolean traced)
        throws IOException {
      int fnLength = withFunction ? function.length : 0;
      int valuesLength = values == null ? 0 : values.length;
      out.writeInt(Frame.MAGIC);
      out.writeByte(Frame.VERSION);
      out.writeByte(Frame.T_TASK);
      out.writeLong(id);
      out.writeInt(1 + 8 + 4 + fnLength + valuesLength);
      out.writeByte(traced ? kind | TRACED : kind);
      out.writeLong(functionId);
      out.writeInt(fnLength);
      if (withFunction) {
        out.write(function);
      }
      if (values != null) {
        out.write(values);
      }
    }
  }

  /** Bytes before a task payload's function: kind, function id, function length. */
  public static final int TASK_HEADER = 1 + 8 + 4;

  /**
   * An error as it crosses the process boundary.
   *
   * @param kind one of the error kinds
   * @param className the exception's class
   * @param message its message, possibly null
   * @param stackTrace its printed stack trace
   * @param serialized the Java-serialized exception, or an empty array
   */
  public record ErrorRecord(
      byte kind, String className, String message, String stackTrace, byte[] serialized) {

    /**
     * The record of any exception, however hostile: its text is printed within {@link
     * ThrowableText}'s bounds (causes and suppressed entries {@value ThrowableText#MAX_DEPTH}
     * levels deep, cycles cut and marked), and it is serialized only when it lies wholly within
     * them, so that neither end follows a chain to a stack overflow.
     *
     * @param kind the error kind
     * @param failure the exception
     * @return its record, with the exception serialized when it can be
     */
    public static ErrorRecord of(byte kind, Throwable failure) {
      byte[] serialized = new byte[0];
      if (ThrowableText.isBounded(failure)) {
        try {
          serialized = SerialPolicy.serialize(failure);
        } catch (IOException | RuntimeException | LinkageError | StackOverflowError e) {
          serialized = new byte[0]; // sent as text only
        }
      }
      return new ErrorRecord(
          kind,
          failure.getClass().getName(),
          ThrowableText.message(failure),
          ThrowableText.print(failure),
          serialized);
    }

    /**
     * @return the record's bytes
     */
    public byte[] encode() {
      try {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(kind);
        writeString(out, className);
        out.writeBoolean(message != null);
        if (message != null) {
          writeString(out, message);
        }
        writeString(out, stackTrace);
        out.writeInt(serialized.length);
        out.write(serialized);
        out.flush();
        return bytes.toByteArray();
      } catch (IOException e) {
        throw new IllegalStateException("in-memory stream failed", e);
      }
    }

    /**
     * @param maxBytes the largest frame the parent accepts
     * @return the record's bytes, with its text cut and its serialized exception dropped when they
     *     would make it larger than {@code maxBytes}
     */
    public byte[] encodeWithin(long maxBytes) {
      byte[] whole = encode();
      if (whole.length <= maxBytes) {
        return whole;
      }
      int room = (int) Math.max(0, (maxBytes - 1024) / 8); // chars, at most 4 UTF-8 bytes each
      return new ErrorRecord(
              kind, className, cut(message, room), cut(stackTrace, room), new byte[0])
          .encode();
    }

    private static String cut(String s, int chars) {
      return s == null || s.length() <= chars
          ? s
          : s.substring(0, chars) + "... (" + (s.length() - chars) + " more characters cut)";
    }

    /**
     * @param payload what {@link #encode} produced
     * @return the record
     * @throws IOException when the payload is malformed
     */
    public static ErrorRecord decode(byte[] payload) throws IOException {
      DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
      byte kind = in.readByte();
      String className = readString(in);
      String message = in.readBoolean() ? readString(in) : null;
      String trace = readString(in);
      int n = in.readInt();
      byte[] serialized = in.readNBytes(Math.max(n, 0));
      return new ErrorRecord(kind, className, message, trace, serialized);
    }
  }

  /**
   * @param out the stream
   * @param s a string of any length
   * @throws IOException when the stream fails
   */
  public static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  /**
   * @param in the stream
   * @return a string written by {@link #writeString}
   * @throws IOException when the stream fails or is malformed
   */
  public static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    byte[] utf8 = in.readNBytes(Math.max(n, 0));
    if (utf8.length != n) {
      throw new java.io.EOFException("string ended after " + utf8.length + " of " + n + " bytes");
    }
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
