package dev.baton.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TracerTest {

  @AfterEach
  void tracingIsOff() {
    assertThat(Tracer.isEnabled()).isFalse();
  }

  @Test
  void offByDefaultRecordsNothing() {
    assertThat(Tracer.now()).isZero();
    Tracer.span(SpanState.RUNNING, 12345L);
    Tracer.mark(MarkKind.USER, "ignored");
    try (TraceSession session = Tracer.enable()) {
      assertThat(Tracer.isEnabled()).isTrue();
      Tracer.span(SpanState.RUNNING, 0L); // started while off
      TraceSnapshot snapshot = session.snapshot();
      assertThat(snapshot.spans()).isEmpty();
      assertThat(snapshot.marks()).isEmpty();
    }
  }

  @Test
  void recordsSpansAndMarksOnTheThreadsLane() {
    TraceSnapshot snapshot;
    try (TraceSession session = Tracer.enable()) {
      long t0 = Tracer.now();
      assertThat(t0).isNotZero();
      Tracer.span(SpanState.WAITING_FOR_GIL, t0, "gil");
      long t1 = Tracer.now();
      Tracer.span(SpanState.RUNNING, t1);
      Tracer.mark(SampleTraces.DROP_REQUEST, "from main");
      snapshot = session.snapshot();
    }
    Lane lane = snapshot.lanes().get(0);
    assertThat(snapshot.lanes()).hasSize(1);
    assertThat(lane.kind()).isEqualTo(LaneKind.THREAD);
    assertThat(lane.name()).isEqualTo(Thread.currentThread().getName());
    assertThat(lane.processId()).isEqualTo(ProcessHandle.current().pid());
    assertThat(snapshot.spans())
        .extracting(Span::state, Span::label)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(SpanState.WAITING_FOR_GIL, "gil"),
            org.assertj.core.groups.Tuple.tuple(SpanState.RUNNING, null));
    assertThat(snapshot.spans().get(0).endNanos())
        .isLessThanOrEqualTo(snapshot.spans().get(1).endNanos());
    assertThat(snapshot.marks())
        .singleElement()
        .satisfies(
            mark -> {
              assertThat(mark.kind()).isEqualTo(SampleTraces.DROP_REQUEST);
              assertThat(mark.label()).isEqualTo("from main");
              assertThat(mark.lane()).isEqualTo(lane);
            });
    assertThat(snapshot.startNanos()).isLessThanOrEqualTo(snapshot.spans().get(0).startNanos());
    assertThat(snapshot.endNanos()).isGreaterThanOrEqualTo(snapshot.spans().get(1).endNanos());
    assertThat(snapshot.droppedEvents()).isZero();
  }

  @Test
  void eachThreadGetsItsOwnLaneAndExplicitLanesAreKept() throws Exception {
    Lane task = Lane.of(SampleTraces.TASK_LANE, "fetch-1");
    TraceSnapshot snapshot;
    long base;
    try (TraceSession session = Tracer.enable()) {
      base = System.nanoTime();
      Tracer.mark(MarkKind.USER, "main");
      Thread other =
          Thread.ofPlatform()
              .name("tracer-test-other")
              .start(
                  () -> {
                    Tracer.span(SpanState.IDLE, Tracer.now());
                    Tracer.span(task, SpanState.RUNNING, base + 100, base + 200, "step");
                  });
      other.join();
      snapshot = session.snapshot();
    }
    assertThat(snapshot.lanes())
        .extracting(Lane::name)
        .containsExactlyInAnyOrder(
            Thread.currentThread().getName(), "tracer-test-other", "fetch-1");
    assertThat(snapshot.spansOf(task))
        .singleElement()
        .isEqualTo(new Span(task, SpanState.RUNNING, base + 100, base + 200, "step"));
    Lane otherLane =
        snapshot.lanes().stream()
            .filter(l -> l.name().equals("tracer-test-other"))
            .findFirst()
            .get();
    assertThat(snapshot.spansOf(otherLane)).extracting(Span::state).containsExactly(SpanState.IDLE);
  }

  @Test
  void aFullBufferDropsTheOldestAndCountsThem() {
    TraceSnapshot snapshot;
    Lane lane = Lane.of(SampleTraces.TASK_LANE, "t");
    try (TraceSession session = Tracer.enable(16)) {
      assertThat(session.eventsPerThread()).isEqualTo(16);
      long base = System.nanoTime();
      for (int i = 1; i <= 100; i++) {
        Tracer.span(lane, SpanState.RUNNING, base + i, base + i + 1, null);
      }
      snapshot = session.snapshot();
    }
    assertThat(snapshot.droppedEvents()).isEqualTo(84);
    long base = snapshot.spans().get(0).startNanos() - 85;
    assertThat(snapshot.spans())
        .extracting(Span::startNanos)
        .containsExactlyElementsOf(range(base + 85, base + 100));
  }

  @Test
  void spansBegunBeforeTheSessionAreCutAtItsStart() {
    Lane lane = Lane.of(LaneKind.THREAD, "t");
    long before = System.nanoTime();
    TraceSnapshot snapshot;
    try (TraceSession session = Tracer.enable()) {
      Tracer.span(lane, SpanState.RUNNING, before - 1_000, before - 500, "ended before");
      Tracer.span(lane, SpanState.RUNNING, before, System.nanoTime(), "began before");
      snapshot = session.snapshot();
    }
    assertThat(snapshot.spans())
        .singleElement()
        .satisfies(
            span -> {
              assertThat(span.label()).isEqualTo("began before");
              assertThat(span.startNanos()).isEqualTo(snapshot.startNanos());
            });
  }

  @Test
  void capacityIsRoundedUpToAPowerOfTwoAndValidated() {
    try (TraceSession session = Tracer.enable(100)) {
      assertThat(session.eventsPerThread()).isEqualTo(128);
    }
    assertThatThrownBy(() -> Tracer.enable(8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("eventsPerThread");
  }

  @Test
  void oneSessionAtATimeAndClosedSessionsKeepTheirEvents() {
    TraceSession first = Tracer.enable();
    Tracer.mark(MarkKind.USER, "one");
    assertThatThrownBy(Tracer::enable)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("enabled tracing while a trace session is open")
        .hasMessageContaining(Thread.currentThread().getName())
        .hasMessageContaining("close that session first");
    first.close();
    first.close();
    assertThat(first.isOpen()).isFalse();
    Tracer.mark(MarkKind.USER, "after close");
    try (TraceSession second = Tracer.enable()) {
      Tracer.mark(MarkKind.USER, "two");
      assertThat(second.snapshot().marks()).extracting(Mark::label).containsExactly("two");
    }
    assertThat(first.snapshot().marks()).extracting(Mark::label).containsExactly("one");
  }

  @Test
  void blockingSectionsAreRecordedAsWaitingForIo() throws Exception {
    List<String> log = new ArrayList<>();
    BlockingHandler handler =
        new BlockingHandler() {
          @Override
          public void enter() {
            Tracer.mark(MarkKind.USER, "enter");
          }

          @Override
          public void exit() {
            Tracer.mark(MarkKind.USER, "exit");
          }
        };
    TraceSnapshot snapshot;
    Lane me;
    try (TraceSession session = Tracer.enable()) {
      Blocking.run(() -> log.add("bare"));
      try (var registration = Blocking.install(handler)) {
        assertThatThrownBy(
                () ->
                    Blocking.run(
                        () -> {
                          throw new java.io.IOException("boom");
                        }))
            .hasMessage("boom");
      }
      me = Tracer.threadLane();
      snapshot = session.snapshot();
    }
    // the tracer is global: threads other tests left behind may record too; look at ours only
    List<Span> spans = snapshot.spansOf(me);
    List<Mark> marks = snapshot.marks().stream().filter(m -> m.lane().equals(me)).toList();
    assertThat(spans)
        .extracting(Span::state)
        .containsExactly(SpanState.WAITING_FOR_IO, SpanState.WAITING_FOR_IO);
    Span withHandler = spans.get(1);
    long enter = marks.get(0).atNanos();
    long exit = marks.get(1).atNanos();
    assertThat(withHandler.startNanos()).isBetween(enter, exit);
    assertThat(withHandler.endNanos()).isBetween(enter, exit);
    assertThat(log).containsExactly("bare");
  }

  @Test
  void eventsAtGivenTimesShareOneClockRead() {
    assertThat(Tracer.at(123)).isZero(); // off: no start time
    TraceSnapshot snapshot;
    long now;
    try (TraceSession session = Tracer.enable()) {
      now = System.nanoTime();
      long start = Tracer.at(now - 500);
      assertThat(start).isEqualTo(now - 500);
      Tracer.span(SpanState.WAITING_FOR_GIL, start, now, "w");
      Tracer.mark(SampleTraces.GIL_HANDOFF, now, "h");
      Tracer.span(SpanState.RUNNING, Tracer.at(now), now - 1, null); // end clamped to start
      Tracer.span(SpanState.RUNNING, 0L, now, "never"); // began while off: nothing
      snapshot = session.snapshot();
    }
    Lane lane = Tracer.threadLane();
    List<Span> spans =
        snapshot.spans().stream().filter(s -> s.lane().name().equals(lane.name())).toList();
    assertThat(spans)
        .extracting(Span::state, Span::startNanos, Span::endNanos)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(SpanState.WAITING_FOR_GIL, now - 500, now),
            org.assertj.core.groups.Tuple.tuple(SpanState.RUNNING, now, now));
    assertThat(snapshot.marks())
        .filteredOn(m -> m.lane().name().equals(lane.name()))
        .singleElement()
        .satisfies(m -> assertThat(m.atNanos()).isEqualTo(now));
  }

  @Test
  void aDrainTakesOnlyWhatWasRecordedSinceThePreviousDrain() {
    Lane lane = Lane.of(SampleTraces.TASK_LANE, "drained");
    try (TraceSession session = Tracer.enable(16)) {
      long t = Tracer.now();
      Tracer.span(lane, SpanState.RUNNING, t, t + 1, "first");
      assertThat(session.drain().spansOf(lane)).extracting(Span::label).containsExactly("first");
      assertThat(session.drain().spansOf(lane)).isEmpty();
      for (int i = 0; i < 20; i++) { // more than the ring holds: the oldest 4 are lost
        Tracer.span(lane, SpanState.IDLE, t + 10 + i, t + 11 + i, null);
      }
      Tracer.mark(lane, MarkKind.USER, t + 40, "last");
      TraceSnapshot drained = session.drain();
      assertThat(drained.spansOf(lane)).hasSize(15).allMatch(s -> s.state() == SpanState.IDLE);
      assertThat(drained.marks()).extracting(Mark::label).contains("last");
      assertThat(drained.droppedEvents()).isGreaterThanOrEqualTo(5);
      // snapshots still see all that the ring holds
      assertThat(session.snapshot().spansOf(lane)).hasSize(15);
    }
  }

  @Test
  void concurrentSnapshotsNeverSeeATornEvent() throws Exception {
    String[] labels = {"a", "b", "c", "d", "e"};
    Lane[] lanes = new Lane[labels.length];
    for (int i = 0; i < lanes.length; i++) {
      lanes[i] = Lane.of(SampleTraces.TASK_LANE, labels[i]);
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    long totalDropped = 0;
    long copied = 0;
    int snapshots = 0;
    try (TraceSession session = Tracer.enable(64)) {
      long base = System.nanoTime();
      Thread writer =
          Thread.ofPlatform()
              .start(
                  () -> {
                    started.countDown();
                    for (long i = 1; !stop.get(); i++) {
                      int k = (int) (i % labels.length);
                      Tracer.span(lanes[k], SpanState.RUNNING, base + i, base + i + k, labels[k]);
                    }
                  });
      started.await();
      try {
        long deadline = System.nanoTime() + 20_000_000_000L;
        for (;
            (snapshots < 200 || totalDropped == 0) && System.nanoTime() < deadline;
            snapshots++) {
          TraceSnapshot snapshot = session.snapshot();
          totalDropped += snapshot.droppedEvents();
          long previous = 0;
          for (Span span : snapshot.spans()) {
            int k = (int) ((span.startNanos() - base) % labels.length);
            assertThat(span.lane()).isSameAs(lanes[k]);
            assertThat(span.label()).isSameAs(labels[k]);
            assertThat(span.endNanos()).isEqualTo(span.startNanos() + k);
            assertThat(span.startNanos()).isGreaterThan(previous);
            previous = span.startNanos();
          }
          assertThat(snapshot.spans().size()).isLessThanOrEqualTo(64);
          copied += snapshot.spans().size();
        }
      } catch (Throwable t) {
        failure.set(t);
      } finally {
        stop.set(true);
        writer.join();
      }
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertThat(totalDropped).isPositive();
    assertThat(copied).isPositive();
  }

  private static List<Long> range(long from, long toInclusive) {
    List<Long> values = new ArrayList<>();
    for (long v = from; v <= toInclusive; v++) {
      values.add(v);
    }
    return values;
  }
}
