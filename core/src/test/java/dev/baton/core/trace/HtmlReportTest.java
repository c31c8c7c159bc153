package dev.baton.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

  @Test
  void linksAndInlinesDiagramsWithTheirCaptions(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("index.html");
    new HtmlReport("Tour <1>")
        .paragraph("Real runs & real numbers.")
        .figure("cpu.svg", "A CPU-bound program")
        .figure(SampleTraces.gilAndFriends(), "Under the GIL", "Who waits for the GIL")
        .write(page);
    String html = Files.readString(page);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<title>Tour &lt;1&gt;</title>", "<h1>Tour &lt;1&gt;</h1>")
        .contains("<p>Real runs &amp; real numbers.</p>")
        .contains("<img src=\"cpu.svg\" alt=\"A CPU-bound program\">")
        .contains("<figcaption>A CPU-bound program</figcaption>")
        .contains("<figcaption>Who waits for the GIL</figcaption>")
        .contains(SvgExporter.toSvg(SampleTraces.gilAndFriends(), "Under the GIL"))
        .contains("data-broken-images");
    assertThat(html.indexOf("cpu.svg")).isLessThan(html.indexOf("Under the GIL"));
  }

  @Test
  void rejectsLinksThatAreNotNextToThePage() {
    HtmlReport report = new HtmlReport("t");
    assertThatThrownBy(() -> report.figure("/etc/x.svg", "c"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("svgHref");
    assertThatThrownBy(() -> report.figure("https://example.com/x.svg", "c"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> report.figure(" ", "c")).isInstanceOf(IllegalArgumentException.class);
  }
}
