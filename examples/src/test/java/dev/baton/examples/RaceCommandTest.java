package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaceCommandTest {

  @Test
  void checkpointBetweenReadAndWriteLosesUpdatesAndTheOthersDoNot() {
    int n = 300_000;
    Duration interval = Duration.ofNanos(20_000);
    RaceCommand.Outcome lock = RaceCommand.underGil(n, interval, RaceCommand.Variant.GIL_LOCK);
    RaceCommand.Outcome gil = RaceCommand.underGil(n, interval, RaceCommand.Variant.GIL);
    // A forced switch needs the waiting thread to be scheduled while the other still counts; on a
    // busy machine a short run may end first, so grow the run until one switch has happened.
    RaceCommand.Outcome checkpoint = null;
    for (int size = n; size <= 64 * n; size *= 2) {
      checkpoint = RaceCommand.underGil(size, interval, RaceCommand.Variant.GIL_CHECKPOINT);
      if (checkpoint.forcedSwitches() > 0) {
        break;
      }
    }

    assertThat(lock.finalValue()).isEqualTo(2L * n);
    assertThat(gil.finalValue()).isEqualTo(2L * n);
    assertThat(gil.lost()).isZero();
    // a forced switch in the middle of x += 1 makes the resumed thread overwrite the other's work
    assertThat(checkpoint.forcedSwitches()).isPositive();
    assertThat(checkpoint.lost()).isPositive();
    assertThat(checkpoint.lost()).isLessThan(checkpoint.finalValue() + checkpoint.lost());
  }

  @Test
  void noLockNeverGainsUpdates() throws Exception {
    RaceCommand.Outcome outcome = RaceCommand.noLock(100_000);
    assertThat(outcome.finalValue()).isBetween(1L, 200_000L);
    assertThat(outcome.lost()).isEqualTo(200_000 - outcome.finalValue());
    assertThat(outcome.forcedSwitches()).isEqualTo(-1);
  }

  @Test
  void jsonHasTheTalksCountsAndTheTablesArePrinted() throws Exception {
    MainTest.Run run = MainTest.run("race", "--json", "--increments", "50000");
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode node = new ObjectMapper().readTree(run.out());
    assertThat(node.get("increments").asInt()).isEqualTo(50_000);
    assertThat(node.get("lock_lost").asLong()).isZero();
    assertThat(node.get("gil_lost").asLong()).isZero();
    assertThat(node.get("no_lock_lost").asLong()).isBetween(0L, 99_999L);
    assertThat(node.get("gil_checkpoint_lost").asLong()).isBetween(0L, 99_999L);
    assertThat(run.err())
        .contains("read value")
        .contains("write back")
        .contains("GIL, switch between read and write");
  }

  @Test
  void rejectsNonPositiveSizes() {
    MainTest.Run run = MainTest.run("race", "--increments", "0");
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).contains("--increments must be at least 1, got 0");
  }

  @Test
  void exploreWritesNoLogUnlessAsked() throws Exception {
    Path defaultPlace = Path.of("race-schedule.json").toAbsolutePath();
    Files.deleteIfExists(defaultPlace);
    try (var before = Files.list(Path.of("").toAbsolutePath())) {
      List<Path> existing = before.toList();
      MainTest.Run explore = MainTest.run("race", "--explore", "--json", "--runs", "200");
      assertThat(explore.exit()).as(explore.err()).isZero();
      JsonNode found = new ObjectMapper().readTree(explore.out());
      assertThat(found.get("lost").asLong()).isEqualTo(1);
      assertThat(found.get("log").isNull()).isTrue();
      assertThat(explore.err()).contains("schedule log not written (--log FILE");
      try (var after = Files.list(Path.of("").toAbsolutePath())) {
        assertThat(after.toList()).containsExactlyInAnyOrderElementsOf(existing);
      }
    }
  }

  @Test
  void exploreFindsTheLostUpdateShrinksItAndTheReplayReproducesIt(@TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("race.json");
    MainTest.Run explore =
        MainTest.run("race", "--explore", "--json", "--runs", "200", "--log", log.toString());
    assertThat(explore.exit()).as(explore.err()).isZero();
    JsonNode found = new ObjectMapper().readTree(explore.out());
    assertThat(found.get("seed").asLong()).isPositive();
    assertThat(found.get("runs_to_failure").asInt()).isBetween(1, 200);
    assertThat(found.get("hand_offs_minimal").asInt()).isEqualTo(2);
    assertThat(found.get("lost").asLong()).isEqualTo(1);
    assertThat(found.get("replay_identical").asBoolean()).isTrue();
    assertThat(found.get("lock_failed").asBoolean()).isFalse();
    assertThat(found.get("gil_failed").asBoolean()).isFalse();
    assertThat(explore.err())
        .contains("Thread 1")
        .contains("read value")
        .contains("drop request")
        .contains("RaceCommand.java:");
    assertThat(Files.readString(log)).contains("\"hand_offs\"");

    MainTest.Run replay = MainTest.run("race", "--replay", log.toString(), "--json");
    assertThat(replay.exit()).as(replay.err()).isZero();
    JsonNode again = new ObjectMapper().readTree(replay.out());
    assertThat(again.get("final_value").asLong()).isEqualTo(found.get("final_value").asLong());
    assertThat(again.get("lost").asLong()).isEqualTo(1);
    assertThat(again.get("replay_identical").asBoolean()).isTrue();
  }
}
