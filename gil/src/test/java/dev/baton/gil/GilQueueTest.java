package dev.baton.gil;

import static dev.baton.gil.RecordingHandler.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class GilQueueTest {

  private static final Duration LONG = Duration.ofSeconds(RecordingHandler.WAIT_SECONDS);

  private final RecordingHandler handler = new RecordingHandler();

  @Test
  void isFirstInFirstOut() throws Exception {
    GilQueue<String> queue = new GilQueue<>();
    queue.put("a");
    queue.put("b", Duration.ZERO);
    queue.putNowait("c");
    assertThat(queue.qsize()).isEqualTo(3);
    assertThat(queue.get()).isEqualTo("a");
    assertThat(queue.get(Duration.ZERO)).isEqualTo("b");
    assertThat(queue.getNowait()).isEqualTo("c");
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.isFull()).isFalse();
    assertThat(queue.maxsize()).isZero();
  }

  @Test
  void putAndGetThatNeedNoWaitDoNotEnterABlockingSection() throws Exception {
    GilQueue<Integer> queue = new GilQueue<>(2);
    int sum =
        result(
            handler.start(
                "fast",
                () -> {
                  queue.put(1);
                  queue.put(2, LONG);
                  return queue.get() + queue.get(LONG);
                }));
    assertThat(sum).isEqualTo(3);
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void getOnAnEmptyQueueWaitsInsideABlockingSection() throws Exception {
    GilQueue<String> queue = new GilQueue<>();
    CompletableFuture<String> consumer = handler.start("consumer", queue::get);
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(consumer).isNotDone();
    queue.put("item");
    assertThat(result(consumer)).isEqualTo("item");
    assertThat(handler.exits).hasValue(1);
  }

  @Test
  void putOnAFullQueueWaitsInsideABlockingSection() throws Exception {
    GilQueue<String> queue = new GilQueue<>(1);
    queue.put("first");
    assertThat(queue.isFull()).isTrue();
    CompletableFuture<Boolean> producer =
        handler.start(
            "producer",
            () -> {
              queue.put("second");
              return true;
            });
    assertThat(handler.awaitEntered()).isTrue();
    assertThat(producer).isNotDone();
    assertThat(queue.get()).isEqualTo("first");
    assertThat(result(producer)).isTrue();
    assertThat(queue.get()).isEqualTo("second");
  }

  @Test
  void timedGetThrowsEmptyAndTimedPutThrowsFull() throws Exception {
    GilQueue<String> queue = new GilQueue<>(1);
    CompletableFuture<String> consumer =
        handler.start("consumer", () -> queue.get(Duration.ofMillis(20)));
    assertThatThrownBy(() -> result(consumer))
        .cause()
        .isInstanceOf(QueueEmptyException.class)
        .hasMessageContaining("\"consumer\"");
    assertThat(handler.exits).hasValue(1);
    queue.put("x");
    assertThatThrownBy(() -> queue.put("y", Duration.ofMillis(20)))
        .isInstanceOf(QueueFullException.class);
    assertThat(queue.qsize()).isEqualTo(1);
  }

  @Test
  void nowaitFormsThrowAtOnceWithoutEnteringABlockingSection() throws Exception {
    GilQueue<String> queue = new GilQueue<>(1);
    CompletableFuture<Boolean> outcome =
        handler.start(
            "nowait",
            () -> {
              assertThatThrownBy(queue::getNowait).isInstanceOf(QueueEmptyException.class);
              assertThatThrownBy(() -> queue.get(Duration.ZERO))
                  .isInstanceOf(QueueEmptyException.class);
              queue.putNowait("x");
              assertThatThrownBy(() -> queue.putNowait("y"))
                  .isInstanceOf(QueueFullException.class)
                  .hasMessageContaining("full");
              assertThatThrownBy(() -> queue.put("y", Duration.ZERO))
                  .isInstanceOf(QueueFullException.class);
              return true;
            });
    assertThat(result(outcome)).isTrue();
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void joinWaitsUntilEveryItemIsMarkedDone() throws Exception {
    GilQueue<Integer> queue = new GilQueue<>();
    for (int i = 0; i < 3; i++) {
      queue.put(i);
    }
    CompletableFuture<Boolean> joiner = handler.start("joiner", () -> queue.join(LONG));
    assertThat(handler.awaitEntered()).isTrue();
    List<Integer> got = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      got.add(queue.get());
      assertThat(joiner).isNotDone();
      queue.taskDone();
    }
    assertThat(result(joiner)).isTrue();
    assertThat(got).containsExactly(0, 1, 2);
    assertThat(queue.join(Duration.ZERO)).isTrue();
  }

  @Test
  void untimedJoinReturnsWhenDone() throws Exception {
    GilQueue<Integer> queue = new GilQueue<>();
    queue.put(1);
    CompletableFuture<Boolean> joiner =
        handler.start(
            "joiner",
            () -> {
              queue.join();
              return true;
            });
    assertThat(handler.awaitEntered()).isTrue();
    queue.get();
    queue.taskDone();
    assertThat(result(joiner)).isTrue();
  }

  @Test
  void timedJoinTimesOutWhileTasksAreUnfinished() throws Exception {
    GilQueue<Integer> queue = new GilQueue<>();
    queue.put(1);
    assertThat(queue.join(Duration.ofMillis(20))).isFalse();
    assertThat(queue.join(Duration.ZERO)).isFalse();
  }

  @Test
  void taskDoneWithoutAMatchingPutIsMisuse() throws Exception {
    GilQueue<Integer> queue = new GilQueue<>();
    assertThatThrownBy(queue::taskDone)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining(Thread.currentThread().getName())
        .hasMessageContaining("more times than items were put");
    queue.put(1);
    queue.get();
    queue.taskDone();
    assertThatThrownBy(queue::taskDone)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("more times than items were put");
  }

  @Test
  void interruptWhileWaitingThrowsAndChangesNothing() throws Exception {
    GilQueue<String> queue = new GilQueue<>(1);
    CompletableFuture<String> consumer = handler.start("consumer", queue::get);
    handler.interruptWhileWaiting(consumer);
    queue.put("kept");
    RecordingHandler producerHandler = new RecordingHandler();
    CompletableFuture<Void> producer =
        producerHandler.start(
            "producer",
            () -> {
              queue.put("dropped");
              return null;
            });
    producerHandler.interruptWhileWaiting(producer);
    assertThat(queue.qsize()).isEqualTo(1);
    assertThat(queue.getNowait()).isEqualTo("kept");
  }

  @Test
  void interruptStatusOnEntryThrowsEvenWhenAnItemIsThere() throws Exception {
    GilQueue<String> queue = new GilQueue<>();
    queue.put("x");
    Thread.currentThread().interrupt();
    assertThatThrownBy(queue::get).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
    assertThat(queue.qsize()).isEqualTo(1);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new GilQueue<String>(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxsize")
        .hasMessageContaining("-1");
    GilQueue<String> queue = new GilQueue<>();
    assertThatThrownBy(() -> queue.put(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("item");
    assertThatThrownBy(() -> queue.putNowait(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> queue.get(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> queue.put("x", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> queue.join(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(queue.qsize()).isZero();
  }

  /** The README's sample, verbatim between the markers. */
  @Test
  void readmeSampleRuns() throws Exception {
    List<String> results = new ArrayList<>();
    // README begin
    GilQueue<String> jobs = new GilQueue<>(16);
    GilLock lock = new GilLock();
    jobs.put("job-1");
    String job = jobs.get(Duration.ofSeconds(1));
    try (HeldLock held = lock.hold()) {
      results.add(job);
    }
    jobs.taskDone();
    jobs.join();
    // README end
    assertThat(results).containsExactly("job-1");
    assertThat(jobs.join(Duration.ZERO)).isTrue();
    assertThat(lock.isLocked()).isFalse();
  }
}
