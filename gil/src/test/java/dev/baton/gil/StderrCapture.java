package dev.baton.gil;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** What the SLF4J test binding (which writes to {@code System.err}) logs while an action runs. */
final class StderrCapture {
  private StderrCapture() {}

  /** An action that may throw, for the bounded waits of a test. */
  interface Action {
    void run() throws Exception;
  }

  static String of(Action action) throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    String captured = buffer.toString(StandardCharsets.UTF_8);
    original.print(captured);
    return captured;
  }
}
