package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java sample in the Markdown docs is the code a test compiles and runs, so none can rot.
 *
 * <p>The convention: a sample's {@code ```java} fence is preceded by a line {@code <!-- sample:
 * PATH -->} naming a test file (relative to the repository root); the code of that file between
 * lines {@code // README begin} and {@code // README end} (several such regions are read in order
 * and joined, so assertions may sit between them) must be the sample, white space aside (the test
 * is formatted by the build, the sample for reading). In the root README every Java block must name
 * its test; in a module's README the named ones are checked. A test file with the markers that no
 * sample names is an error too.
 */
class ReadmeSamplesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern MARKER = Pattern.compile("<!-- sample: (\\S+) -->");
  private static final String BEGIN = "// README begin";
  private static final String END = "// README end";

  record Sample(Path doc, int line, String test, String code) {}

  @Test
  void everySampleIsTheCodeItsTestRuns() throws IOException {
    List<Sample> samples = samples();
    assertThat(samples).extracting(Sample::test).doesNotHaveDuplicates();
    List<String> errors = new ArrayList<>();
    for (Sample sample : samples) {
      String where = ROOT.relativize(sample.doc()) + ":" + sample.line();
      if (sample.test() == null) {
        errors.add(where + ": a ```java block without a <!-- sample: TEST-FILE --> line before it");
        continue;
      }
      Path test = ROOT.resolve(sample.test());
      if (!Files.isRegularFile(test)) {
        errors.add(where + ": names " + sample.test() + ", which does not exist");
        continue;
      }
      String tested = regions(Files.readString(test));
      if (tested.isEmpty()) {
        errors.add(where + ": " + sample.test() + " has no '" + BEGIN + "'/'" + END + "' region");
      } else if (!squeeze(tested).equals(squeeze(sample.code()))) {
        errors.add(
            where
                + ": the sample differs from the code "
                + sample.test()
                + " runs; the test's code:\n"
                + tested
                + "\nthe sample:\n"
                + sample.code());
      }
    }
    assertThat(errors).as("README samples").isEmpty();
  }

  @Test
  void everyTestWithASampleRegionIsNamedByASample() throws IOException {
    List<String> named = samples().stream().map(Sample::test).toList();
    List<String> withRegions;
    try (Stream<Path> files = Files.walk(ROOT)) {
      withRegions =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> f.toString().contains("/src/test/"))
              .filter(f -> !f.toString().contains("/target/"))
              .filter(f -> !f.getFileName().toString().equals("ReadmeSamplesTest.java"))
              .filter(ReadmeSamplesTest::hasRegion)
              .map(f -> ROOT.relativize(f).toString())
              .toList();
    }
    assertThat(withRegions).isNotEmpty();
    assertThat(named).containsAll(withRegions);
  }

  @Test
  void aDriftedSampleIsDetected() {
    String tested = regions("x();\n  // README begin\n  int a = 1;\n  // README end\n  y();\n");
    assertThat(squeeze(tested)).isEqualTo(squeeze("int a =\n    1;"));
    assertThat(squeeze(tested)).isNotEqualTo(squeeze("int a = 2;"));
  }

  /** The root README and every module's README. */
  private static List<Path> docs() throws IOException {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> dirs = Files.list(ROOT)) {
      dirs.map(d -> d.resolve("README.md"))
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(docs::add);
    }
    return docs;
  }

  private static List<Sample> samples() throws IOException {
    List<Sample> samples = new ArrayList<>();
    for (Path doc : docs()) {
      boolean root = doc.equals(ROOT.resolve("README.md"));
      List<String> lines = Files.readAllLines(doc);
      String marker = null;
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        Matcher m = MARKER.matcher(line);
        if (m.matches()) {
          marker = m.group(1);
        } else if (line.startsWith("```")) {
          int start = i;
          StringBuilder code = new StringBuilder();
          for (i++; i < lines.size() && !lines.get(i).strip().equals("```"); i++) {
            code.append(lines.get(i)).append('\n');
          }
          if (line.equals("```java") && (root || marker != null)) {
            samples.add(new Sample(doc, start + 1, marker, code.toString()));
          }
          marker = null;
        } else if (!line.isEmpty()) {
          marker = null;
        }
      }
    }
    return samples;
  }

  private static boolean hasRegion(Path file) {
    try {
      return !regions(Files.readString(file)).isEmpty();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The lines between the begin and end markers, every region in order. */
  static String regions(String source) {
    StringBuilder out = new StringBuilder();
    boolean inside = false;
    for (String line : source.split("\n", -1)) {
      if (line.strip().equals(BEGIN)) {
        inside = true;
      } else if (line.strip().equals(END)) {
        inside = false;
      } else if (inside) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static String squeeze(String code) {
    return code.replaceAll("\\s+", "");
  }
}
