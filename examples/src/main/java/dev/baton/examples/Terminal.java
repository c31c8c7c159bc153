package dev.baton.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Whether this process's standard error is a terminal, read once at start. */
final class Terminal {
  /** True when standard error is a terminal. */
  static final boolean STDERR = stderrIsTerminal();

  private Terminal() {}

  private static boolean stderrIsTerminal() {
    // Linux names the file behind each descriptor; a terminal is a pts or tty device. Elsewhere
    // the JDK's console (attached to the process's terminal, if any) is the best guess.
    Path fd = Path.of("/proc/self/fd/2");
    if (Files.exists(fd, LinkOption.NOFOLLOW_LINKS)) {
      try {
        String target = Files.readSymbolicLink(fd).toString();
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return System.console() != null;
  }
}
