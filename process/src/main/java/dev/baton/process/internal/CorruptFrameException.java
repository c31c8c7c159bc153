package dev.baton.process.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** The protocol stream carried bytes that are not a frame; the message shows them. */
public final class CorruptFrameException extends IOException {
  private static final long serialVersionUID = 1L;

  /** How many bytes past the header are shown, when they are already available. */
  private static final int SHOWN_EXTRA = 64;

  private CorruptFrameException(String message) {
    super(message);
  }

  static CorruptFrameException of(String what, byte[] header, int n, InputStream in) {
    byte[] extra = new byte[0];
    try {
      int available = Math.min(in.available(), SHOWN_EXTRA);
      if (available > 0) {
        extra = in.readNBytes(available);
      }
    } catch (IOException ignored) {
      // the stream is being abandoned; the header bytes alone are shown
    }
    byte[] shown = Arrays.copyOf(header, n + extra.length);
    System.arraycopy(extra, 0, shown, n, extra.length);
    return new CorruptFrameException(what + "; offending bytes: " + describe(shown));
  }

  /**
   * @param bytes some bytes
   * @return them in hex, then as printable ASCII with dots for the rest
   */
  static String describe(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x ", b & 0xff));
      text.append(b >= 0x20 && b < 0x7f ? (char) b : '.');
    }
    return hex.toString().trim() + " \"" + text + "\"";
  }
}
