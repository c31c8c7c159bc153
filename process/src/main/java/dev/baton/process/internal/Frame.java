package dev.baton.process.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * One protocol frame: {@code magic:int version:byte type:byte id:long length:int payload}.
 *
 * @param type one of the {@code T_} constants
 * @param id the task id, or 0
 * @param payload the body
 */
public record Frame(byte type, long id, byte[] payload) {

  /** "BTN" and a format byte: a stream that does not start every frame with it is corrupted. */
  public static final int MAGIC = 0x42544E01;

  /** Bumped on any change of the frame layout or of a payload format. */
  public static final byte VERSION = 2;

  /** Header bytes before the payload. */
  public static final int HEADER = 4 + 1 + 1 + 8 + 4;

  /** Parent to worker: the worker's configuration, first frame on its stdin. */
  public static final byte T_INIT = 1;

  /** Parent to worker: a task. */
  public static final byte T_TASK = 2;

  /** Parent to worker: skip the task with this id if it has not started. */
  public static final byte T_CANCEL = 3;

  /** Parent to worker: forget the functions received so far (the parent will send them again). */
  public static final byte T_FORGET = 4;

  /** Parent to worker: answer with a PONG at once (clock alignment for tracing). */
  public static final byte T_PING = 5;

  /** Worker to parent: initialized; payload is its pid as a long. */
  public static final byte T_READY = 10;

  /** Worker to parent: the initializer failed; payload is an error record. */
  public static final byte T_INIT_FAILED = 11;

  /** Worker to parent: a task's encoded result. */
  public static final byte T_RESULT = 12;

  /** Worker to parent: a task's error record. */
  public static final byte T_ERROR = 13;

  /** Worker to parent: a task was skipped after a cancel frame. */
  public static final byte T_CANCELLED = 14;

  /**
   * Worker to parent: a cancel frame came for a task that is no longer waiting: the worker has
   * started it (it runs to its end and is answered) or already answered it. The parent then counts
   * it as possibly run.
   */
  public static final byte T_STARTED = 17;

  /** Worker to parent: the answer to a PING; payload is the worker's nanoTime as a long. */
  public static final byte T_PONG = 15;

  /**
   * Worker to parent: a traced task's own trace events, just before its answer (see {@link
   * WorkerTrace}).
   */
  public static final byte T_SPANS = 16;

  /**
   * Writes a frame; the caller flushes.
   *
   * @param out the stream
   * @param type the frame type
   * @param id the task id
   * @param payload the body
   * @throws IOException when the stream fails
   */
  public static void write(DataOutputStream out, byte type, long id, byte[] payload)
      throws IOException {
    out.writeInt(MAGIC);
    out.writeByte(VERSION);
    out.writeByte(type);
    out.writeLong(id);
    out.writeInt(payload.length);
    out.write(payload);
  }

  /**
   * Reads one frame.
   *
   * @param in the stream
   * @param maxPayload the largest payload accepted
   * @return the frame, or null at a clean end of stream (before any byte of a frame)
   * @throws CorruptFrameException when the header is wrong; it carries the offending bytes
   * @throws IOException when the stream fails or ends inside a frame
   */
  public static Frame read(DataInputStream in, long maxPayload) throws IOException {
    byte[] header = new byte[HEADER];
    int n = in.readNBytes(header, 0, HEADER);
    if (n == 0) {
      return null;
    }
    int magic =
        ((header[0] & 0xff) << 24)
            | ((header[1] & 0xff) << 16)
            | ((header[2] & 0xff) << 8)
            | (header[3] & 0xff);
    if (magic != MAGIC) {
      throw CorruptFrameException.of("bad magic number", header, n, in);
    }
    if (n < HEADER) {
      throw new EOFException("stream ended inside a frame header (" + n + " of " + HEADER + ")");
    }
    if (header[4] != VERSION) {
      throw CorruptFrameException.of(
          "protocol version " + header[4] + ", expected " + VERSION, header, n, in);
    }
    byte type = header[5];
    long id = 0;
    for (int i = 6; i < 14; i++) {
      id = (id << 8) | (header[i] & 0xff);
    }
    int length =
        ((header[14] & 0xff) << 24)
            | ((header[15] & 0xff) << 16)
            | ((header[16] & 0xff) << 8)
            | (header[17] & 0xff);
    if (length < 0 || length > maxPayload) {
      throw CorruptFrameException.of(
          "payload length " + length + " outside [0, " + maxPayload + "]", header, n, in);
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(type, id, payload);
  }
}
