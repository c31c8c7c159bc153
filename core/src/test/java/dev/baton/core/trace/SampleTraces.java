package dev.baton.core.trace;

import java.util.List;

/** Hand-built traces with fixed ids and times, so exports of them are deterministic. */
final class SampleTraces {
  static final long MS = 1_000_000L;
  static final long T0 = 5_000 * MS;

  // the kinds the gil, eventloop and process modules declare, declared again here as those
  // modules would, for traces that look like theirs
  static final LaneKind TASK_LANE = LaneKind.of("TASK", "task ");
  static final LaneKind WORKER_LANE = LaneKind.of("WORKER", "");
  static final MarkKind DROP_REQUEST = MarkKind.of("DROP_REQUEST", "#7b3fa0");
  static final MarkKind FORCED_SWITCH = MarkKind.of("FORCED_SWITCH", "#111111");
  static final MarkKind GIL_HANDOFF = MarkKind.of("GIL_HANDOFF", "#2a8f5a");
  static final MarkKind TASK_SENT = MarkKind.of("TASK_SENT", "#555555");
  static final MarkKind WORKER_CRASH = MarkKind.of("WORKER_CRASH", "#8b0000");

  static final Lane MAIN = new Lane(1, LaneKind.THREAD, "main", 4242);
  static final Lane WORKER_THREAD = new Lane(2, LaneKind.THREAD, "worker-1 <\"&>", 4242);
  static final Lane TASK = new Lane(3, TASK_LANE, "fetch-1", 4242);
  static final Lane PROCESS = new Lane(4, WORKER_LANE, "worker pid 777", 777);

  private SampleTraces() {}

  /** Two threads under a GIL, a loop task and a worker process, over 100 ms. */
  static TraceSnapshot gilAndFriends() {
    List<Span> spans =
        List.of(
            new Span(MAIN, SpanState.RUNNING, T0, T0 + 10 * MS, null),
            new Span(WORKER_THREAD, SpanState.WAITING_FOR_GIL, T0 + 2 * MS, T0 + 10 * MS, null),
            new Span(MAIN, SpanState.WAITING_FOR_GIL, T0 + 10 * MS, T0 + 20 * MS, null),
            new Span(WORKER_THREAD, SpanState.RUNNING, T0 + 10 * MS, T0 + 20 * MS, null),
            new Span(MAIN, SpanState.RUNNING, T0 + 20 * MS, T0 + 30 * MS, null),
            new Span(MAIN, SpanState.WAITING_FOR_IO, T0 + 30 * MS, T0 + 70 * MS, "socket read"),
            new Span(TASK, SpanState.RUNNING, T0 + 40 * MS, T0 + 41 * MS, "step 1"),
            new Span(TASK, SpanState.IDLE, T0 + 41 * MS, T0 + 60 * MS, null),
            new Span(TASK, SpanState.RUNNING, T0 + 60 * MS, T0 + 62 * MS, "step 2"),
            new Span(PROCESS, SpanState.RUNNING, T0 + 50 * MS, T0 + 95 * MS, "square(7)"));
    List<Mark> marks =
        List.of(
            new Mark(WORKER_THREAD, DROP_REQUEST, T0 + 7 * MS, "after 5 ms"),
            new Mark(MAIN, FORCED_SWITCH, T0 + 10 * MS, null),
            new Mark(MAIN, TASK_SENT, T0 + 49 * MS, "square(7)"),
            new Mark(PROCESS, WORKER_CRASH, T0 + 95 * MS, "exit code 137"));
    return new TraceSnapshot(
        List.of(MAIN, WORKER_THREAD, TASK, PROCESS), spans, marks, 3, T0, T0 + 100 * MS);
  }
}
