package dev.baton.core.trace;

import dev.baton.core.trace.internal.Text;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A self-contained HTML page of diagrams with captions (the examples' tour writes one as {@code
 * index.html}).
 *
 * <pre>{@code
 * new HtmlReport("Baton tour")
 *     .paragraph("Each diagram is a real run.")
 *     .figure("cpu.svg", "A CPU-bound program: one thread, always working.")
 *     .figure(snapshot, "Threads under the GIL", "Who waits for the GIL, and when.")
 *     .write(dir.resolve("index.html"));
 * }</pre>
 *
 * <p>{@link #figure(String, String)} links an SVG file next to the page with an {@code <img>};
 * {@link #figure(TraceSnapshot, String, String)} inlines the diagram. On load the page counts its
 * images and those that failed to load in {@code data-images} and {@code data-broken-images}
 * attributes of {@code <body>}, which {@code scripts/render-check.sh} reads back from a headless
 * browser.
 *
 * <p>Threading: a builder confined to one thread.
 */
public final class HtmlReport {
  private final String title;
  private final List<String> parts = new ArrayList<>();

  /**
   * @param title the page's title and heading
   */
  public HtmlReport(String title) {
    this.title = Objects.requireNonNull(title, "title");
  }

  /**
   * Adds a paragraph of text.
   *
   * @param text plain text (escaped)
   * @return this
   */
  public HtmlReport paragraph(String text) {
    parts.add("<p>" + Text.xml(Objects.requireNonNull(text, "text")) + "</p>");
    return this;
  }

  /**
   * Adds a diagram stored in a file next to the page.
   *
   * @param svgHref the diagram's path relative to the page, e.g. {@code "io-threads.svg"}
   * @param caption what the diagram shows (plain text)
   * @return this
   * @throws IllegalArgumentException if {@code svgHref} is blank or absolute
   */
  public HtmlReport figure(String svgHref, String caption) {
    return figure(svgHref, caption, null);
  }

  /**
   * Adds a diagram stored in a file next to the page, with a link to its timeline file.
   *
   * @param svgHref the diagram's path relative to the page, e.g. {@code "io-threads.svg"}
   * @param caption what the diagram shows (plain text)
   * @param timelineHref the trace-event JSON's path relative to the page (opens in Perfetto), or
   *     null for none
   * @return this
   * @throws IllegalArgumentException if a path is blank or absolute
   */
  public HtmlReport figure(String svgHref, String caption, String timelineHref) {
    relative("svgHref", svgHref);
    Objects.requireNonNull(caption, "caption");
    String link = "";
    if (timelineHref != null) {
      relative("timelineHref", timelineHref);
      link =
          " (timeline for Perfetto: <a href=\""
              + Text.xml(timelineHref)
              + "\">"
              + Text.xml(timelineHref)
              + "</a>)";
    }
    parts.add(
        "<figure><img src=\""
            + Text.xml(svgHref)
            + "\" alt=\""
            + Text.xml(caption)
            + "\"><figcaption>"
            + Text.xml(caption)
            + link
            + "</figcaption></figure>");
    return this;
  }

  private static void relative(String what, String href) {
    Objects.requireNonNull(href, what);
    if (href.isBlank() || href.startsWith("/") || href.contains("://")) {
      throw new IllegalArgumentException(
          what + " must be a relative path to a file next to the page, was \"" + href + "\"");
    }
  }

  /**
   * Adds a diagram drawn from a snapshot, inlined in the page.
   *
   * @param snapshot the trace
   * @param diagramTitle the diagram's own title
   * @param caption what the diagram shows (plain text)
   * @return this
   */
  public HtmlReport figure(TraceSnapshot snapshot, String diagramTitle, String caption) {
    Objects.requireNonNull(caption, "caption");
    String svg = SvgExporter.toSvg(snapshot, diagramTitle);
    parts.add(
        "<figure class=\"inline\">"
            + svg
            + "<figcaption>"
            + Text.xml(caption)
            + "</figcaption></figure>");
    return this;
  }

  /**
   * @return the page
   */
  public String toHtml() {
    StringBuilder out = new StringBuilder(1024);
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(Text.xml(title))
        .append("</title>\n<style>\n")
        .append("body{font-family:Helvetica,Arial,sans-serif;margin:24px auto;max-width:1000px;")
        .append("color:#222;background:#fff}\n")
        .append("figure{margin:28px 0;padding:8px;border:1px solid #ddd;border-radius:4px}\n")
        .append("figure img,figure svg{display:block;max-width:100%;height:auto}\n")
        .append("figcaption{margin-top:6px;color:#444;font-size:14px}\n")
        .append("</style>\n</head>\n<body>\n<h1>")
        .append(Text.xml(title))
        .append("</h1>\n");
    for (String part : parts) {
      out.append(part).append('\n');
    }
    out.append("<script>\n")
        .append("window.addEventListener('load', function () {\n")
        .append("  var images = document.images, broken = 0;\n")
        .append("  for (var i = 0; i < images.length; i++) {\n")
        .append("    if (!images[i].complete || images[i].naturalWidth === 0) { broken++; }\n")
        .append("  }\n")
        .append("  document.body.setAttribute('data-images', String(images.length));\n")
        .append("  document.body.setAttribute('data-broken-images', String(broken));\n")
        .append("  document.body.setAttribute('data-inline-diagrams',")
        .append(" String(document.querySelectorAll('figure svg').length));\n")
        .append("});\n</script>\n</body>\n</html>\n");
    return out.toString();
  }

  /**
   * Writes the page to {@code file} (UTF-8), creating parent directories.
   *
   * @param file where to write, e.g. {@code dir/index.html}; linked diagrams go next to it
   * @throws IOException if the file cannot be written
   */
  public void write(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    Text.writeFile(file, toHtml());
  }
}
