package dev.baton.core.trace;

import static dev.baton.core.trace.SampleTraces.MS;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class SvgExporterTest {
  /** Run with -Dbaton.golden.update=true to rewrite the golden files after a deliberate change. */
  private static final boolean UPDATE = Boolean.getBoolean("baton.golden.update");

  private static final Path GOLDEN = Path.of("src/test/resources/dev/baton/core/trace");

  private static Document parse(String svg) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<Element> elements(Element parent, String tag, String cssClass) {
    NodeList nodes = parent.getElementsByTagName(tag);
    List<Element> out = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      Element e = (Element) nodes.item(i);
      if (e.getAttribute("class").equals(cssClass)) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void matchesTheGoldenFile() throws Exception {
    String svg = SvgExporter.toSvg(SampleTraces.gilAndFriends(), "Threads under the GIL");
    Path golden = GOLDEN.resolve("gil-and-friends.svg");
    if (UPDATE) {
      Files.writeString(golden, svg, StandardCharsets.UTF_8);
    }
    assertThat(svg).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    assertThat(SvgExporter.toSvg(SampleTraces.gilAndFriends(), "Threads under the GIL"))
        .isEqualTo(svg);
  }

  @Test
  void drawsOneRowPerLaneWithItsSpansInTheirColours() throws Exception {
    Document doc = parse(SvgExporter.toSvg(SampleTraces.gilAndFriends(), "Threads <&> GIL"));
    Element root = doc.getDocumentElement();
    assertThat(root.getLocalName()).isEqualTo("svg");
    assertThat(root.getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
    assertThat(elements(root, "text", "title").get(0).getTextContent())
        .isEqualTo("Threads <&> GIL");

    List<Element> lanes = elements(root, "g", "lane");
    assertThat(lanes)
        .extracting(e -> e.getAttribute("data-lane"))
        .containsExactly("main", "worker-1 <\"&>", "fetch-1", "worker pid 777");
    assertThat(elements(lanes.get(2), "text", "lane-label").get(0).getTextContent())
        .isEqualTo("task fetch-1");

    List<Element> main = elements(lanes.get(0), "rect", "span");
    assertThat(main)
        .extracting(e -> e.getAttribute("data-state"))
        .containsExactly("RUNNING", "RUNNING", "WAITING_FOR_GIL", "WAITING_FOR_IO");
    Element io = main.get(3);
    assertThat(io.getAttribute("fill")).isEqualTo(SvgExporter.WAITING_FOR_IO_COLOUR);
    // 30..70 ms of 100 ms over the 772 px between the label column (160) and the right margin
    assertThat(Double.parseDouble(io.getAttribute("x"))).isEqualTo(160 + 0.3 * 772, within());
    assertThat(Double.parseDouble(io.getAttribute("width"))).isEqualTo(0.4 * 772, within());
    assertThat(io.getElementsByTagName("title").item(0).getTextContent())
        .isEqualTo("waiting for I/O: socket read, 40.00 ms at 30.00 ms");
    assertThat(main.get(0).getAttribute("fill")).isEqualTo(SvgExporter.RUNNING_COLOUR);
    assertThat(main.get(2).getAttribute("fill")).isEqualTo(SvgExporter.WAITING_FOR_GIL_COLOUR);

    assertThat(elements(lanes.get(1), "g", "mark"))
        .extracting(e -> e.getAttribute("data-kind"))
        .containsExactly("DROP_REQUEST");
    assertThat(elements(lanes.get(3), "rect", "span")).hasSize(1);

    Element legend = elements(root, "g", "legend").get(0);
    assertThat(elements(legend, "rect", "legend-box"))
        .extracting(e -> e.getAttribute("data-state"))
        .containsExactly("RUNNING", "WAITING_FOR_IO", "WAITING_FOR_GIL", "IDLE");
    assertThat(legend.getTextContent())
        .contains("working", "waiting for I/O", "waiting for the GIL");
    assertThat(elements(root, "text", "tick"))
        .extracting(Element::getTextContent)
        .containsExactly("0 ms", "20 ms", "40 ms", "60 ms", "80 ms", "100 ms");
    assertThat(elements(root, "text", "dropped").get(0).getTextContent()).startsWith("3 ");
  }

  @Test
  void mergesSpansThatWouldOverlapOnScreenButKeepsTheirCount() throws Exception {
    Lane lane = SampleTraces.MAIN;
    List<Span> spans = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      spans.add(new Span(lane, SpanState.WAITING_FOR_GIL, i * 10L, i * 10L + 5, null));
    }
    spans.add(new Span(lane, SpanState.RUNNING, 900 * MS, 1000 * MS, null));
    Document doc = parse(SvgExporter.toSvg(TraceSnapshot.of(spans, List.of()), "many"));
    List<Element> rects = elements(doc.getDocumentElement(), "rect", "span");
    assertThat(rects)
        .extracting(e -> e.getAttribute("data-state") + "x" + e.getAttribute("data-count"))
        .containsExactly("RUNNING" + "x1", "WAITING_FOR_GIL" + "x1000");
    assertThat(Double.parseDouble(rects.get(1).getAttribute("width"))).isEqualTo(1.0);
  }

  @Test
  void choosesTheAxisUnitFromTheTracesLength() throws Exception {
    Lane lane = SampleTraces.MAIN;
    TraceSnapshot micro =
        TraceSnapshot.of(List.of(new Span(lane, SpanState.RUNNING, 0, 50_000, null)), List.of());
    assertThat(elements(parse(SvgExporter.toSvg(micro, "µs")).getDocumentElement(), "text", "tick"))
        .extracting(Element::getTextContent)
        .startsWith("0 µs", "10 µs")
        .endsWith("50 µs");
    TraceSnapshot seconds =
        TraceSnapshot.of(
            List.of(new Span(lane, SpanState.RUNNING, 0, 1_500 * MS, null)), List.of());
    assertThat(
            elements(parse(SvgExporter.toSvg(seconds, "s")).getDocumentElement(), "text", "tick"))
        .extracting(Element::getTextContent)
        .startsWith("0 ms", "200 ms");
    TraceSnapshot empty = TraceSnapshot.of(List.of(), List.of());
    Element root = parse(SvgExporter.toSvg(empty, "empty")).getDocumentElement();
    assertThat(elements(root, "g", "lane")).isEmpty();
    assertThat(elements(root, "text", "tick")).isNotEmpty();
  }

  @Test
  void lanesThatReuseANameWithoutOverlappingShareARow() throws Exception {
    Lane first = new Lane(1, LaneKind.THREAD, "worker", 1);
    Lane overlapping = new Lane(2, LaneKind.THREAD, "worker", 1);
    Lane later = new Lane(3, LaneKind.THREAD, "worker", 1);
    Lane task = new Lane(4, SampleTraces.TASK_LANE, "worker", 1);
    TraceSnapshot trace =
        TraceSnapshot.of(
            List.of(
                new Span(first, SpanState.RUNNING, 0, 10 * MS, null),
                new Span(overlapping, SpanState.RUNNING, 5 * MS, 12 * MS, null),
                new Span(later, SpanState.WAITING_FOR_IO, 20 * MS, 30 * MS, null),
                new Span(task, SpanState.RUNNING, 40 * MS, 50 * MS, null)),
            List.of());
    List<Element> rows =
        elements(parse(SvgExporter.toSvg(trace, "rows")).getDocumentElement(), "g", "lane");
    assertThat(rows)
        .extracting(e -> e.getAttribute("data-lane-id"))
        .containsExactly("1 3", "2", "4");
    assertThat(elements(rows.get(0), "rect", "span"))
        .extracting(e -> e.getAttribute("data-state"))
        .containsExactly("RUNNING", "WAITING_FOR_IO");
  }

  @Test
  void writesAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a/b.svg");
    SvgExporter.write(SampleTraces.gilAndFriends(), file, "t");
    assertThat(Files.readString(file))
        .isEqualTo(SvgExporter.toSvg(SampleTraces.gilAndFriends(), "t"));
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.01);
  }
}
