package dev.baton.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  private static final String JMH_JSON =
      """
      [
        {"benchmark": "dev.baton.bench.LockBench.reentrantUnfair", "mode": "avgt", "params": {},
         "primaryMetric": {"score": 99.0, "scoreUnit": "ns/op",
                           "rawData": [[5.0, 4.0, 100.0], [6.0, 4.5]]},
         "secondaryMetrics": {"gc.alloc.rate.norm": {"score": 0.0, "scoreUnit": "B/op",
                                                     "rawData": [[0.0, 0.0]]}}},
        {"benchmark": "dev.baton.bench.X.map", "mode": "thrpt", "params": {"chunk": "1"},
         "primaryMetric": {"score": 1.0, "scoreUnit": "ops/ms", "rawData": [[2.0, 4.0]]}},
        {"benchmark": "dev.baton.bench.X.map", "mode": "thrpt", "params": {"chunk": "default"},
         "primaryMetric": {"score": 1.0, "scoreUnit": "ops/s", "rawData": [[10.0]]}},
        {"benchmark": "dev.baton.bench.X.rt", "mode": "sample", "params": {},
         "primaryMetric": {"score": 1.0, "scoreUnit": "us/op",
                           "scorePercentiles": {"50.0": 42.0}}}
      ]
      """;

  private Results results() throws IOException {
    Path jmh = dir.resolve("jmh.json");
    Files.writeString(jmh, JMH_JSON);
    Path scenario = dir.resolve("s.json");
    Files.writeString(
        scenario, "{\"scenario\": \"convoy\", \"metrics\": {\"busy\": 300.0, \"alone\": 100.0}}");
    Results results = new Results();
    results.addJmh(jmh);
    results.addScenario(scenario);
    return results;
  }

  @Test
  void jmhValueIsTheMedianOfAllIterationsConvertedToTheMetricsUnit() throws IOException {
    Results results = results();
    var lock = results.find(Metric.jmh("LockBench.reentrantUnfair", Unit.NS, "l")).orElseThrow();
    assertThat(lock.value()).isEqualTo(5.0); // median of 4, 4.5, 5, 6, 100: not the mean
    assertThat(lock.allocBytesPerOp()).isEqualTo(0.0);
    var map = results.find(Metric.jmh("X.map", Unit.PER_S, "m", "chunk=1")).orElseThrow();
    assertThat(map.value()).isEqualTo(3000.0); // 3 ops/ms
    var sample = results.find(Metric.jmh("X.rt", Unit.US, "r")).orElseThrow();
    assertThat(sample.value()).isEqualTo(42.0);
    assertThat(results.find(Metric.jmh("Missing.bench", Unit.NS, "x"))).isEmpty();
  }

  @Test
  void ambiguousJmhMetricIsAnError() throws IOException {
    Results results = results();
    assertThatThrownBy(() -> results.find(Metric.jmh("X.map", Unit.PER_S, "m")))
        .hasMessageContaining("matches 2 JMH rows");
  }

  @Test
  void goalsJudgeValueOrRatio() throws IOException {
    Results results = results();
    Figure ratioNotMet =
        new Figure(
            "gil",
            "convoy",
            Metric.scenario("convoy", "busy", Unit.US, "busy"),
            Metric.scenario("convoy", "alone", Unit.US, "alone"),
            Goal.ratioAtMost(2.0),
            null);
    Figure valueMet =
        new Figure(
            "gil",
            "lock",
            Metric.jmh("LockBench.reentrantUnfair", Unit.NS, "l"),
            null,
            Goal.atMost(5.0, Unit.NS),
            null);
    Figure missing =
        new Figure(
            "eventloop",
            "loop",
            Metric.jmh("Nope.x", Unit.NS, "n"),
            null,
            Goal.atMost(1, Unit.NS),
            null);
    List<Report.Row> rows = Report.evaluate(List.of(ratioNotMet, valueMet, missing), results);
    assertThat(rows.get(0).ratio()).isEqualTo(3.0);
    assertThat(rows.get(0).met()).isFalse();
    assertThat(rows.get(1).met()).isTrue();
    assertThat(rows.get(2).met()).isNull();
    String table = Report.table(rows);
    assertThat(table).contains("| **no** |").contains("| yes |").contains("| not measured |");
  }

  @Test
  void overheadGoalJudgesTheDifferenceToTheBaseline() {
    Goal goal = Goal.overheadAtMost(1.0, Unit.NS);
    assertThat(goal.met(1.8, 1.0)).isTrue();
    assertThat(goal.met(2.1, 1.0)).isFalse();
    assertThat(goal.met(2.1, Double.NaN)).isNull();
    assertThat(goal.needsPeer()).isTrue();
  }

  @Test
  void ratioGoalWithoutPeerIsRejected() {
    assertThatThrownBy(
            () ->
                new Figure(
                    "gil", "t", Metric.jmh("A.b", Unit.NS, "x"), null, Goal.ratioAtMost(1), null))
        .hasMessageContaining("no peer");
  }

  @Test
  void readmeTableIsReplacedBetweenTheMarkersOnly() throws IOException {
    List<Report.Row> rows = Report.evaluate(Figures.all(), results());
    Path readme = dir.resolve("README.md");
    Files.writeString(
        readme, "# Title\n\nbefore\n" + Report.BEGIN + "\nold table\n" + Report.END + "\nafter\n");
    Report.spliceReadme(rows, readme, "bench/RESULTS.md");
    String text = Files.readString(readme);
    assertThat(text).startsWith("# Title\n\nbefore\n").endsWith("\nafter\n");
    assertThat(text).doesNotContain("old table").contains("| module | targets met |");
    assertThat(text).contains("| gil | ").contains("ReentrantLock (unfair)");
  }

  @Test
  void readmeWithoutMarkersIsAnError() throws IOException {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "# no markers\n");
    assertThatThrownBy(() -> Report.spliceReadme(List.of(), readme, "x"))
        .hasMessageContaining("no figures markers");
  }

  @Test
  void resultsFileRendersAgainFromTheRawResultsItHolds() throws IOException {
    Results results = results();
    List<Report.Row> rows = Report.evaluate(Figures.all(), results);
    Path file = dir.resolve("RESULTS.md");
    String header = "## Run\n\n- cores: test\n";
    Report.writeResults(file, rows, results, header);
    String written = Files.readString(file);

    Report.Saved saved = Report.readResults(file);
    assertThat(saved.header().strip()).isEqualTo(header.strip());
    Report.writeResults(
        file, Report.evaluate(Figures.all(), saved.results()), saved.results(), header);
    assertThat(Files.readString(file)).isEqualTo(written);
  }

  @Test
  void figuresAreGroupedByModule() throws IOException {
    String table = Report.table(Report.evaluate(Figures.all(), results()));
    List<Integer> positions =
        Figures.MODULES.stream().map(m -> table.indexOf("\n### " + m + "\n")).toList();
    assertThat(positions).doesNotContain(-1).isSorted();
    assertThat(table).doesNotContain("#3").doesNotContain("goal");
  }

  @Test
  void tcpEchoRowsReadBatonsKeysBesideNettysFromTheSameRun() throws IOException {
    Path scenario = dir.resolve("tcp-echo.json");
    Files.writeString(
        scenario,
        """
        {"scenario": "tcp-echo", "metrics": {
          "baton_rps": 90000.0, "baton_p50_us": 110.0,
          "baton_cont_rps": 60000.0, "baton_cont_p50_us": 150.0,
          "netty_rps": 100000.0, "netty_p50_us": 100.0}}
        """);
    Results results = new Results();
    results.addScenario(scenario);
    List<Report.Row> rows =
        Report.evaluate(Figures.all(), results).stream()
            .filter(r -> r.figure().title().startsWith("TCP echo"))
            .toList();
    assertThat(rows).hasSize(4).allSatisfy(r -> assertThat(r.ours()).isPresent());
    Report.Row virtual = rows.get(0);
    assertThat(virtual.ours().orElseThrow().value()).isEqualTo(90000.0);
    assertThat(virtual.ratio()).isEqualTo(0.9);
    assertThat(virtual.met()).isTrue(); // 90 k/s >= 3 x 28.7 k/s
    Report.Row continuations = rows.get(1);
    assertThat(continuations.ratio()).isEqualTo(0.6);
    assertThat(continuations.met()).isFalse();
    assertThat(rows.get(2).ratio()).isEqualTo(1.1);
    assertThat(rows.get(3).ratio()).isEqualTo(1.5);
    assertThat(Report.table(rows)).doesNotContain("not measured");
  }

  @Test
  void everyFigureIsWellFormed() {
    assertThat(Figures.all()).hasSizeGreaterThan(30);
    assertThat(Figures.all()).allSatisfy(f -> assertThat(f.title()).isNotBlank());
  }
}
