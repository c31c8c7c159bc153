package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void drawsTheBarToTheGivenStreamUpToItsTotal() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress progress = Progress.start("io threads", 4, true, err)) {
      for (int i = 0; i < 4; i++) {
        progress.step();
      }
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("io threads").contains("4/4");
  }

  @Test
  void drawsNothingWhenOff() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress progress = Progress.start("io", 4, false, err)) {
      progress.step();
    }
    assertThat(bytes.size()).isZero();
  }
}
