package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopHttpClientTest {

  private static Progress off() {
    return Progress.start("", 0, false, null);
  }

  @Test
  void downloadsEveryPageOnOneLoopWithAllInFlight() throws Exception {
    try (PageServer server = PageServer.start(Duration.ofMillis(200), 1500)) {
      // 30 pages of 200 ms each: they arrive only because the waits overlap
      long bytes = LoopHttpClient.downloadAll(server.sites(30), 0, off());
      assertThat(bytes).isEqualTo(30 * 1500);
      assertThat(server.served()).isEqualTo(30);
    }
  }

  @Test
  void aLimitStillDownloadsEverythingAndStepsTheProgressBar() throws Exception {
    ByteArrayOutputStream drawn = new ByteArrayOutputStream();
    try (PageServer server = PageServer.start(Duration.ofMillis(5), 700);
        PrintStream err = new PrintStream(drawn, true, StandardCharsets.UTF_8)) {
      try (Progress progress = Progress.start("loop", 12, true, err)) {
        assertThat(LoopHttpClient.downloadAll(server.sites(12), 3, progress)).isEqualTo(12 * 700);
      }
    }
    assertThat(drawn.toString(StandardCharsets.UTF_8)).contains("12/12");
  }

  @Test
  void aFailedDownloadFailsTheRunWithTheAddress() throws Exception {
    try (PageServer server = PageServer.start(Duration.ZERO, 10)) {
      URI missing = server.uri("/missing");
      assertThatThrownBy(() -> LoopHttpClient.downloadAll(List.of(missing), 0, off()))
          .hasStackTraceContaining("GET " + missing + " answered 404, not 200");
    }
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> LoopHttpClient.downloadAll(List.of(), -1, off()))
        .hasMessageContaining("--limit must be 0 (no limit) or more, got -1");
    assertThatThrownBy(
            () -> LoopHttpClient.downloadAll(List.of(URI.create("https://x.org/")), 0, off()))
        .hasMessageContaining("plain http:// only");
  }
}
