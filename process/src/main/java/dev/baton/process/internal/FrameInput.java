package dev.baton.process.internal;

import java.io.BufferedInputStream;
import java.io.InputStream;

/**
 * A buffered protocol stream that says whether bytes are already buffered, without asking the pipe
 * ({@link BufferedInputStream#available()} makes a system call every time): both ends of the
 * protocol flush what they have written once they have read all that is buffered, so that frames
 * read in one burst are answered in one write. Confined to its reading thread (the worker's readers
 * hold their stdin lock).
 */
final class FrameInput extends BufferedInputStream {
  FrameInput(InputStream in, int size) {
    super(in, size);
  }

  /**
   * @return whether unread bytes are in the buffer
   */
  boolean hasBuffered() {
    return pos < count;
  }
}
