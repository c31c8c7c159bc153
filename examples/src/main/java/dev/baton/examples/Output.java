package dev.baton.examples;

import java.io.PrintWriter;

/**
 * Where an example writes its human-readable text: stdout normally, stderr in {@code --json} mode
 * so that stdout carries exactly one JSON object.
 */
final class Output {
  private final PrintWriter text;
  private final boolean json;

  Output(boolean json, PrintWriter stdout, PrintWriter stderr) {
    this.json = json;
    this.text = json ? stderr : stdout;
  }

  /**
   * @return whether the command runs in {@code --json} mode
   */
  boolean json() {
    return json;
  }

  /**
   * @return the stream for human-readable text
   */
  PrintWriter text() {
    return text;
  }

  void println(String line) {
    text.println(line);
    text.flush();
  }

  void printf(String format, Object... args) {
    text.printf(format, args);
    text.flush();
  }
}
