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
    assertThat(queue.offer("b", Duration.ZERO)).isTrue();
    assertThat(queue.offer("c")).isTrue();
    assertThat(queue.size()).isEqualTo(3);
    assertThat(queue.take()).isEqualTo("a");
    assertThat(queue.poll(Duration.ZERO)).isEqualTo("b");
    assertThat(queue.poll()).isEqualTo("c");
    assertThat(queue.isEmpty()).isTrue();
    assertThat(queue.isFull()).isFalse();
    assertThat(queue.capacity()).isZero();
  }

  @Test
  void putAndTakeThatNeedNoWaitDoNotEnterABlockingSection() throws Exception {
    GilQueue<Integer> queue = new GilQueue<>(2);
    int sum =
        result(
            handler.start(
                "fast",
                () -> {
                  queue.put(1);
                  assertThat(queue.offer(2, LONG)).isTrue();
                  return queue.take() + queue.poll(LONG);
                }));
    assertThat(sum).isEqualTo(3);
    assertThat(handler.enters).hasValue(0);
  }

  @Test
  void takeOnAnEmptyQueueWaitsInsideABlockingSection() throws Exception {
    GilQueue<String> queue = new GilQueue<>();
    CompletableFuture<String> consumer = handler.start("consumer", queue::take);
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
    assertThat(queue.take()).isEqualTo("first");
    assertThat(result(producer)).isTrue();
    assertThat(queue.take()).isEqualTo("second");
  }

  @Test
  void timedPollReturnsNullAndTimedOfferReturnsFalseAfterWaiting() throws Exception {
    GilQueue<String> queue = new GilQueue<>(1);
    CompletableFuture<String> consumer =
        handler.start("consumer", () -> queue.poll(Duration.ofMillis(20)));
    assertThat(result(consumer)).isNull();
    assertThat(handler.exits).as("the poll waited in a blocking section").hasValue(1);
    queue.put("x");
    CompletableFuture<Boolean> producer =
        handler.start("producer", () -> queue.offer("y", Duration.ofMillis(20)));
    assertThat(result(producer)).isFalse();
    assertThat(handler.exits).as("the offer waited in a blocking section").hasValue(2);
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.poll()).isEqualTo("x");
  }

  @Test
  void formsThatDoNotWaitGiveUpAtOnceWithoutEnteringABlockingSection() throws Exception {
    GilQueue<String> queue = new GilQueue<>(1);
    CompletableFuture<Boolean> outcome =
        handler.start(
            "nowait",
            () -> {
              assertThat(queue.poll()).isNull();
              assertThat(queue.poll(Duration.ZERO)).isNull();
              assertThat(queue.offer("x")).isTrue();
              assertThat(queue.offer("y")).isFalse();
              assertThat(queue.offer("y", Duration.ZERO)).isFalse();
              assertThat(queue.size()).isEqualTo(1);
              return true;
            });
    assertThat(result(outcome)).isTrue();
    assertThat(handler.enters).hasValue(0);
    assertThat(queue.take()).isEqualTo("x");
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
      got.add(queue.take());
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
    queue.take();
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
    queue.take();
    queue.taskDone();
    assertThatThrownBy(queue::taskDone)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("more times than items were put");
  }

  @Test
  void interruptWhileWaitingThrowsAndChangesNothing() throws Exception {
    GilQueue<String> queue = new GilQueue<>(1);
    CompletableFuture<String> consumer = handler.start("consumer", queue::take);
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
    assertThat(queue.size()).isEqualTo(1);
    assertThat(queue.poll()).isEqualTo("kept");
  }

  @Test
  void interruptStatusOnEntryThrowsEvenWhenAnItemIsThere() throws Exception {
    GilQueue<String> queue = new GilQueue<>();
    queue.put("x");
    Thread.currentThread().interrupt();
    assertThatThrownBy(queue::take).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
    assertThat(queue.size()).isEqualTo(1);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new GilQueue<String>(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity")
        .hasMessageContaining("-1");
    GilQueue<String> queue = new GilQueue<>();
    assertThatThrownBy(() -> queue.put(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("item");
    assertThatThrownBy(() -> queue.offer(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> queue.offer(null, LONG)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> queue.poll(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> queue.offer("x", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> queue.join(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(queue.size()).isZero();
  }

  /** The README's sample, verbatim between the markers. */
  @Test
  void readmeSampleRuns() throws Exception {
    List<String> results = new ArrayList<>();
    // README begin
    GilQueue<String> jobs = new GilQueue<>(16);
    GilLock lock = new GilLock();
    jobs.put("job-1");
    String job = jobs.poll(Duration.ofSeconds(1));
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
