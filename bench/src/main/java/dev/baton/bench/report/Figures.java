package dev.baton.bench.report;

import static dev.baton.bench.report.Metric.jmh;
import static dev.baton.bench.report.Metric.scenario;

import java.util.List;

/**
 * Every figure the results table reports, grouped by module, with where its number and its peer's
 * come from and the project's target for it. A target is never relaxed to make a row "met".
 */
public final class Figures {
  private Figures() {}

  /** The modules, in the order the results list them. */
  public static final List<String> MODULES =
      List.of("core", "gil", "eventloop", "process", "rhino", "agent", "cluster");

  private static final String CORE = "core";
  private static final String GIL = "gil";
  private static final String LOOP = "eventloop";
  private static final String POOL = "process";
  private static final String RHINO = "rhino";
  private static final String AGENT = "agent";
  private static final String CLUSTER = "cluster";

  /**
   * @return the rows of the results table; within a module, in this order
   */
  public static List<Figure> all() {
    return List.of(
        new Figure(
            GIL,
            "uncontended acquire+release",
            jmh("GilBench.acquireRelease", Unit.NS, "GIL FAIR"),
            jmh("LockBench.reentrantUnfair", Unit.NS, "ReentrantLock (unfair)"),
            Goal.ratioAtMost(1.0),
            null),
        new Figure(
            GIL,
            "uncontended acquire+release vs fair lock",
            jmh("GilBench.acquireRelease", Unit.NS, "GIL FAIR"),
            jmh("LockBench.reentrantFair", Unit.NS, "ReentrantLock (fair)"),
            Goal.none(),
            null),
        new Figure(
            GIL,
            "uncontended acquire+release vs synchronized",
            jmh("GilBench.acquireRelease", Unit.NS, "GIL FAIR"),
            jmh("LockBench.synchronizedBlock", Unit.NS, "synchronized"),
            Goal.none(),
            null),
        new Figure(
            GIL,
            "uncontended acquire+release vs Semaphore",
            jmh("GilBench.acquireRelease", Unit.NS, "GIL FAIR"),
            jmh("LockBench.semaphore", Unit.NS, "Semaphore(1)"),
            Goal.none(),
            null),
        new Figure(
            GIL,
            "checkpoint, no drop requested",
            jmh("GilBench.checkpoint", Unit.NS, "checkpoint"),
            jmh("GilBench.baseline", Unit.NS, "empty benchmark"),
            Goal.atMost(2.0, Unit.NS),
            null),
        new Figure(
            GIL,
            "tight loop with a checkpoint per iteration",
            jmh("GilBench.loopWithCheckpoint", Unit.NS, "loop + checkpoint"),
            jmh("GilBench.loopPlain", Unit.NS, "same loop"),
            Goal.ratioAtMost(1.05),
            null),
        new Figure(
            GIL,
            "sum of squares with a checkpoint every 1 000 squares (the cpu example)",
            jmh("GilBench.sumOfSquaresCheckpointed", Unit.NS, "with checkpoints"),
            jmh("GilBench.sumOfSquaresPlain", Unit.NS, "plain loop"),
            Goal.ratioAtMost(1.10),
            null),
        new Figure(
            GIL,
            "hand-off between 2 threads (acquire+release each)",
            jmh("HandoffBench.gil", Unit.NS, "GIL FAIR"),
            jmh("HandoffBench.fairLock", Unit.NS, "ReentrantLock (fair)"),
            Goal.none(),
            null),
        new Figure(
            GIL,
            "hand-off latency p50 (holder drops → waiter runs)",
            scenario("gil-handoff", "fair_p50_us", Unit.US, "GIL FAIR"),
            scenario("gil-handoff", "lock_p50_us", Unit.US, "ReentrantLock (fair)"),
            Goal.atMost(20, Unit.US),
            "CPython 3.11: 4–20 µs"),
        new Figure(
            GIL,
            "2 CPU-bound threads vs 1 thread doing all the work",
            scenario("gil-cpu", "two_threads_s", Unit.S, "2 threads, GIL"),
            scenario("gil-cpu", "one_thread_s", Unit.S, "1 thread"),
            Goal.ratioAtMost(1.10),
            "CPython 3.11: 1.03×"),
        new Figure(
            GIL,
            "4 CPU-bound threads, FAIR: Jain index of CPU share over 2 s",
            scenario("gil-fairness", "fair_jain", Unit.NUMBER, "FAIR"),
            scenario("gil-fairness", "cpython_jain", Unit.NUMBER, "CPYTHON policy"),
            Goal.atLeast(0.99, Unit.NUMBER),
            null),
        new Figure(
            GIL,
            "4 CPU-bound threads, FAIR: worst single wait (interval 5 ms)",
            scenario("gil-fairness", "fair_worst_wait_ms", Unit.MS, "FAIR"),
            scenario("gil-fairness", "cpython_worst_wait_ms", Unit.MS, "CPYTHON policy"),
            Goal.atMost(20, Unit.MS),
            "CPython 3.11: 94–167 ms"),
        new Figure(
            GIL,
            "4 CPU-bound threads beside 2 busy processes, FAIR: Jain index",
            scenario("gil-fairness-busy", "fair_jain", Unit.NUMBER, "FAIR"),
            scenario("gil-fairness-busy", "cpython_jain", Unit.NUMBER, "CPYTHON policy"),
            Goal.atLeast(0.99, Unit.NUMBER),
            null),
        new Figure(
            GIL,
            "4 CPU-bound threads beside 2 busy processes, FAIR: worst single wait",
            scenario("gil-fairness-busy", "fair_worst_wait_ms", Unit.MS, "FAIR"),
            scenario("gil-fairness-busy", "cpython_worst_wait_ms", Unit.MS, "CPYTHON policy"),
            Goal.atMost(20, Unit.MS),
            null),
        new Figure(
            GIL,
            "convoy, FAIR: echo p50 beside a spinner vs alone",
            scenario("convoy", "fair_busy_p50_us", Unit.US, "beside spinner"),
            scenario("convoy", "fair_alone_p50_us", Unit.US, "alone"),
            Goal.ratioAtMost(3.0),
            "CPython 3.11: 64 µs → 10.3 ms (×160)"),
        new Figure(
            GIL,
            "convoy, FAIR: round trips/s beside a spinner vs alone",
            scenario("convoy", "fair_busy_rps", Unit.PER_S, "beside spinner"),
            scenario("convoy", "fair_alone_rps", Unit.PER_S, "alone"),
            Goal.ratioAtLeast(1.0 / 3),
            "CPython 3.11: 15.2 k/s → 106 /s"),
        new Figure(
            GIL,
            "convoy, FAIR: spinner progress vs solo",
            scenario("convoy", "fair_spinner_share", Unit.NUMBER, "share of solo"),
            null,
            Goal.atLeast(0.5, Unit.NUMBER),
            null),
        new Figure(
            GIL,
            "convoy, CPYTHON policy reproduces: busy p50 vs alone",
            scenario("convoy", "cpython_busy_p50_us", Unit.US, "beside spinner"),
            scenario("convoy", "cpython_alone_p50_us", Unit.US, "alone"),
            Goal.ratioAtLeast(20),
            "CPython 3.11: ×160"),
        new Figure(
            RHINO,
            "Rhino script loop step, GIL binding vs plain Rhino",
            jmh("RhinoBench.gilBound", Unit.NS, "GilContextFactory"),
            jmh("RhinoBench.plainRhino", Unit.NS, "plain Rhino, interpreted"),
            Goal.none(),
            null),
        new Figure(
            RHINO,
            "Rhino script loop step, observer at every jump vs plain Rhino",
            jmh("RhinoBench.gilBoundEveryJump", Unit.NS, "GilContextFactory, threshold 1"),
            jmh("RhinoBench.plainRhino", Unit.NS, "plain Rhino, interpreted"),
            Goal.none(),
            null),
        new Figure(
            CORE,
            "PLAIN incref+decref pair",
            jmh("RefCountBench.pair", Unit.NS, "PLAIN", "strategy=PLAIN"),
            null,
            Goal.atMost(1.5, Unit.NS),
            null),
        new Figure(
            CORE,
            "BIASED incref+decref pair, owner thread",
            jmh("RefCountBench.pair", Unit.NS, "BIASED", "strategy=BIASED"),
            jmh("RefCountBench.pair", Unit.NS, "PLAIN", "strategy=PLAIN"),
            Goal.ratioAtMost(2.0),
            "biased RC paper: per-op cost more than halved vs atomic"),
        new Figure(
            CORE,
            "ATOMIC incref+decref pair, uncontended",
            jmh("RefCountBench.pair", Unit.NS, "ATOMIC", "strategy=ATOMIC"),
            jmh("RefCountBench.pair", Unit.NS, "PLAIN", "strategy=PLAIN"),
            Goal.none(),
            null),
        new Figure(
            CORE,
            "ATOMIC incref+decref pair, 2 threads on one object",
            jmh("RefCountContendedBench.pair", Unit.NS, "ATOMIC 2 threads", "strategy=ATOMIC"),
            jmh("RefCountBench.pair", Unit.NS, "ATOMIC 1 thread", "strategy=ATOMIC"),
            Goal.none(),
            null),
        new Figure(
            CORE,
            "BIASED incref+decref pair, 2 threads on one object",
            jmh("RefCountContendedBench.pair", Unit.NS, "BIASED 2 threads", "strategy=BIASED"),
            jmh("RefCountBench.pair", Unit.NS, "BIASED 1 thread", "strategy=BIASED"),
            Goal.none(),
            null),
        new Figure(
            CORE,
            "trade-off, 2 threads: free-threaded BIASED vs GIL + PLAIN",
            jmh(
                "RefCountWorkloadBench.workload2",
                Unit.PER_S,
                "free-threaded BIASED",
                "mode=FT_BIASED"),
            jmh("RefCountWorkloadBench.workload2", Unit.PER_S, "GIL + PLAIN", "mode=GIL_PLAIN"),
            Goal.ratioAtLeast(1.7),
            "PEP 703"),
        new Figure(
            CORE,
            "trade-off, 2 threads: free-threaded ATOMIC vs GIL + PLAIN",
            jmh(
                "RefCountWorkloadBench.workload2",
                Unit.PER_S,
                "free-threaded ATOMIC",
                "mode=FT_ATOMIC"),
            jmh("RefCountWorkloadBench.workload2", Unit.PER_S, "GIL + PLAIN", "mode=GIL_PLAIN"),
            Goal.none(),
            null),
        new Figure(
            CORE,
            "trade-off, 1 thread: free-threaded BIASED vs GIL + PLAIN",
            jmh(
                "RefCountWorkloadBench.workload1",
                Unit.PER_S,
                "free-threaded BIASED",
                "mode=FT_BIASED"),
            jmh("RefCountWorkloadBench.workload1", Unit.PER_S, "GIL + PLAIN", "mode=GIL_PLAIN"),
            Goal.ratioAtLeast(0.67),
            "PEP 703: 5–6% single-threaded overhead"),
        new Figure(
            CORE,
            "trade-off, 1 thread: free-threaded ATOMIC vs GIL + PLAIN",
            jmh(
                "RefCountWorkloadBench.workload1",
                Unit.PER_S,
                "free-threaded ATOMIC",
                "mode=FT_ATOMIC"),
            jmh("RefCountWorkloadBench.workload1", Unit.PER_S, "GIL + PLAIN", "mode=GIL_PLAIN"),
            Goal.none(),
            null),
        new Figure(
            LOOP,
            "chained callSoon",
            jmh("EventLoopBench.chained", Unit.PER_S, "Baton loop"),
            jmh("NettyLoopBench.chained", Unit.PER_S, "Netty DefaultEventLoop", "loop=default"),
            Goal.atLeast(10e6, Unit.PER_S),
            "asyncio: 0.54 M/s (one per pass), 3.6 M/s (burst)"),
        new Figure(
            LOOP,
            "chained callSoon vs Netty DefaultEventLoop execute()",
            jmh("EventLoopBench.chained", Unit.PER_S, "Baton loop"),
            jmh("NettyLoopBench.chained", Unit.PER_S, "Netty DefaultEventLoop", "loop=default"),
            Goal.ratioAtLeast(1.0),
            null),
        new Figure(
            LOOP,
            "chained callSoon vs Netty NIO event loop execute()",
            jmh("EventLoopBench.chained", Unit.PER_S, "Baton loop"),
            jmh("NettyLoopBench.chained", Unit.PER_S, "Netty NIO loop", "loop=nio"),
            Goal.ratioAtLeast(1.0),
            null),
        new Figure(
            LOOP,
            "callSoonThreadSafe from one other thread",
            jmh("EventLoopBench.crossThread", Unit.PER_S, "Baton loop"),
            jmh("NettyLoopBench.crossThread", Unit.PER_S, "Netty NIO loop", "loop=nio"),
            Goal.atLeast(5e6, Unit.PER_S),
            "asyncio: 177 k/s"),
        new Figure(
            LOOP,
            "cross-thread latency p50",
            scenario("loop-latency", "baton_p50_us", Unit.US, "Baton loop"),
            scenario("loop-latency", "netty_nio_p50_us", Unit.US, "Netty NIO loop"),
            Goal.atMost(10, Unit.US),
            "asyncio: 26 µs"),
        new Figure(
            LOOP,
            "timers scheduled and fired",
            jmh("EventLoopBench.timers", Unit.PER_S, "Baton loop"),
            jmh("NettyLoopBench.timers", Unit.PER_S, "Netty NIO loop", "loop=nio"),
            Goal.atLeast(2e6, Unit.PER_S),
            "asyncio: 148 k/s"),
        new Figure(
            LOOP,
            "timer lateness p50 (1 ms timers)",
            scenario("timer-lateness", "baton_p50_ms", Unit.MS, "Baton loop"),
            scenario("timer-lateness", "netty_nio_p50_ms", Unit.MS, "Netty NIO loop"),
            Goal.atMost(0.5, Unit.MS),
            null),
        new Figure(
            LOOP,
            "task switch at an await, portable (virtual threads)",
            jmh("TaskBench.taskSwitch", Unit.NS, "virtual threads", "mechanism=VIRTUAL_THREADS"),
            null,
            Goal.atMost(1000, Unit.NS),
            "asyncio: 1.2 µs"),
        new Figure(
            LOOP,
            "task switch at an await, continuations",
            jmh("TaskBench.taskSwitch", Unit.NS, "continuations", "mechanism=CONTINUATIONS"),
            jmh("TaskBench.taskSwitch", Unit.NS, "virtual threads", "mechanism=VIRTUAL_THREADS"),
            Goal.atMost(300, Unit.NS),
            "asyncio: 1.2 µs"),
        new Figure(
            LOOP,
            "create + await a trivial task, virtual threads",
            jmh(
                "TaskBench.createAwait",
                Unit.PER_S,
                "virtual threads",
                "mechanism=VIRTUAL_THREADS"),
            null,
            Goal.atLeast(1e6, Unit.PER_S),
            "asyncio: 120–160 k/s"),
        new Figure(
            LOOP,
            "create + await a trivial task, continuations",
            jmh("TaskBench.createAwait", Unit.PER_S, "continuations", "mechanism=CONTINUATIONS"),
            jmh(
                "TaskBench.createAwait",
                Unit.PER_S,
                "virtual threads",
                "mechanism=VIRTUAL_THREADS"),
            Goal.atLeast(1e6, Unit.PER_S),
            "asyncio: 120–160 k/s"),
        new Figure(
            LOOP,
            "TCP echo, 10 clients, 64-byte messages, 127.0.0.1",
            scenario("tcp-echo", "baton_rps", Unit.PER_S, "Baton streams, virtual threads"),
            scenario("tcp-echo", "netty_rps", Unit.PER_S, "Netty NIO server"),
            Goal.atLeast(3 * 28_700, Unit.PER_S),
            "3× asyncio streams (28.7 k/s); asyncio Protocol 81.6 k/s"),
        new Figure(
            LOOP,
            "TCP echo, 10 clients, 64-byte messages, continuations",
            scenario("tcp-echo", "baton_cont_rps", Unit.PER_S, "Baton streams, continuations"),
            scenario("tcp-echo", "netty_rps", Unit.PER_S, "Netty NIO server"),
            Goal.atLeast(3 * 28_700, Unit.PER_S),
            "3× asyncio streams (28.7 k/s); asyncio Protocol 81.6 k/s"),
        new Figure(
            LOOP,
            "TCP echo round trip p50, 10 clients",
            scenario("tcp-echo", "baton_p50_us", Unit.US, "Baton streams, virtual threads"),
            scenario("tcp-echo", "netty_p50_us", Unit.US, "Netty NIO server"),
            Goal.none(),
            null),
        new Figure(
            LOOP,
            "TCP echo round trip p50, 10 clients, continuations",
            scenario("tcp-echo", "baton_cont_p50_us", Unit.US, "Baton streams, continuations"),
            scenario("tcp-echo", "netty_p50_us", Unit.US, "Netty NIO server"),
            Goal.none(),
            null),
        new Figure(
            LOOP,
            "TLS echo, 10 clients, 64-byte messages (JDK provider both)",
            scenario("tls-echo", "baton_tls_rps", Unit.PER_S, "Baton TLS streams"),
            scenario("tls-echo", "netty_tls_rps", Unit.PER_S, "Netty SslHandler"),
            Goal.none(),
            null),
        new Figure(
            LOOP,
            "TLS echo round trip p50, 10 clients",
            scenario("tls-echo", "baton_tls_p50_us", Unit.US, "Baton TLS streams"),
            scenario("tls-echo", "netty_tls_p50_us", Unit.US, "Netty SslHandler"),
            Goal.none(),
            null),
        new Figure(
            LOOP,
            "TLS vs plain TCP echo on the loop, 10 clients",
            scenario("tls-echo", "baton_tls_rps", Unit.PER_S, "Baton TLS streams"),
            scenario("tls-echo", "baton_tcp_rps", Unit.PER_S, "Baton plain TCP streams"),
            Goal.none(),
            null),
        new Figure(
            LOOP,
            "UDP echo, 64-byte datagrams one at a time",
            scenario("transports", "udp_baton_per_s", Unit.PER_S, "Baton DatagramEndpoint"),
            scenario("transports", "udp_jdk_per_s", Unit.PER_S, "blocking DatagramChannel"),
            Goal.none(),
            null),
        new Figure(
            LOOP,
            "subprocess spawn + communicate (cat, 64 bytes) p50",
            scenario("transports", "subprocess_baton_p50_ms", Unit.MS, "Baton Subprocess"),
            scenario("transports", "subprocess_jdk_p50_ms", Unit.MS, "ProcessBuilder directly"),
            Goal.none(),
            null),
        new Figure(
            POOL,
            "trivial task round trip p50",
            jmh("ProcessPoolBench.roundTrip", Unit.US, "pool of 1"),
            jmh("PipeBench.roundTrip", Unit.US, "raw pipe echo, child JVM"),
            Goal.atMost(50, Unit.US),
            "Pool: 149 µs; ProcessPoolExecutor: 191 µs"),
        new Figure(
            POOL,
            "map of 100 000 trivial items, chunk size 1",
            jmh("ProcessMapBench.map", Unit.PER_S, "chunk 1", "chunk=1"),
            null,
            Goal.atLeast(100e3, Unit.PER_S),
            "Pool: 43 k/s"),
        new Figure(
            POOL,
            "map of 100 000 trivial items, default chunking",
            jmh("ProcessMapBench.map", Unit.PER_S, "default chunk", "chunk=default"),
            jmh("ProcessMapBench.map", Unit.PER_S, "chunk 1", "chunk=1"),
            Goal.atLeast(5e6, Unit.PER_S),
            "Pool: 5.1 M/s"),
        new Figure(
            POOL,
            "CPU-bound work: 2 workers vs 1 (speed-up)",
            scenario("pool-cpu", "speedup", Unit.NUMBER, "2 workers / 1 worker"),
            null,
            Goal.atLeast(1.8, Unit.NUMBER),
            "Python: 1.45×"),
        new Figure(
            POOL,
            "pool of 2 ready (first result back), default",
            scenario("pool-startup", "ready_ms", Unit.MS, "pool of 2"),
            scenario("pool-startup", "jvm_start_ms", Unit.MS, "bare JVM start + 1 line"),
            Goal.atMost(150, Unit.MS),
            null),
        new Figure(
            POOL,
            "pool of 2 ready (first result back), AOT cache",
            scenario("pool-startup", "aot_ready_ms", Unit.MS, "pool of 2, AOT"),
            scenario("pool-startup", "jvm_start_ms", Unit.MS, "bare JVM start + 1 line"),
            Goal.atMost(80, Unit.MS),
            null),
        new Figure(
            POOL,
            "trivial task round trip p50 vs the raw pipe floor",
            jmh("ProcessPoolBench.roundTrip", Unit.US, "pool of 1"),
            jmh("PipeBench.roundTrip", Unit.US, "raw pipe echo, child JVM"),
            Goal.ratioAtMost(3.0),
            null),
        new Figure(
            POOL,
            "trivial task round trip p50 with a per-call deadline",
            jmh("ProcessPoolBench.roundTripWithDeadline", Unit.US, "apply(task, 10 s)"),
            jmh("ProcessPoolBench.roundTrip", Unit.US, "apply(task)"),
            Goal.none(),
            null),
        new Figure(
            POOL,
            "pool of 2 ready vs a bare JVM start",
            scenario("pool-startup", "ready_ms", Unit.MS, "pool of 2"),
            scenario("pool-startup", "jvm_start_ms", Unit.MS, "bare JVM start + 1 line"),
            Goal.ratioAtMost(2.0),
            null),
        new Figure(
            POOL,
            "pool of 2 ready with the AOT cache vs a bare JVM start",
            scenario("pool-startup", "aot_ready_ms", Unit.MS, "pool of 2, AOT"),
            scenario("pool-startup", "jvm_start_ms", Unit.MS, "bare JVM start + 1 line"),
            Goal.ratioAtMost(1.5),
            null),
        new Figure(
            POOL,
            "100 MiB of doubles over 2 workers: shared memory vs the array sent in the tasks",
            scenario("pool-shared-memory", "shared_ms", Unit.MS, "SharedMemory block"),
            scenario("pool-shared-memory", "copied_ms", Unit.MS, "halves sent in the tasks"),
            Goal.none(),
            null),
        new Figure(
            POOL,
            "100 MiB of doubles over 2 workers in shared memory vs 1 thread of the parent",
            scenario("pool-shared-memory", "shared_ms", Unit.MS, "2 workers, SharedMemory"),
            scenario("pool-shared-memory", "local_ms", Unit.MS, "1 thread, no pool"),
            Goal.none(),
            null),
        // ---- cluster pool: on one machine it can only be slower; these say by how much
        new Figure(
            CLUSTER,
            "trivial task round trip p50, 3 local members (client)",
            scenario("cluster", "cluster_rtt_p50_us", Unit.US, "cluster of 3"),
            scenario("cluster", "process_rtt_p50_us", Unit.US, "process pool of 2"),
            Goal.none(),
            null),
        new Figure(
            CLUSTER,
            "map of trivial items, default chunking",
            scenario("cluster", "cluster_map_per_s", Unit.PER_S, "cluster of 3"),
            scenario("cluster", "process_map_per_s", Unit.PER_S, "process pool of 2"),
            Goal.none(),
            null),
        new Figure(
            CLUSTER,
            "map of trivial items, chunk size 1",
            scenario("cluster", "cluster_map_chunk1_per_s", Unit.PER_S, "cluster of 3"),
            scenario("cluster", "process_map_chunk1_per_s", Unit.PER_S, "process pool of 2"),
            Goal.none(),
            null),
        new Figure(
            CLUSTER,
            "member killed → its plain task fails (MemberLostException)",
            scenario("cluster", "death_to_failed_ms", Unit.MS, "SIGKILL to failure"),
            null,
            Goal.none(),
            null),
        new Figure(
            CLUSTER,
            "member killed → its retryable task's result from another member",
            scenario("cluster", "death_to_retried_ms", Unit.MS, "SIGKILL to result"),
            null,
            Goal.none(),
            null),
        new Figure(
            CLUSTER,
            "member killed → its plain task fails, pool that is a member",
            scenario("cluster", "member_death_to_failed_ms", Unit.MS, "SIGKILL to failure"),
            null,
            Goal.none(),
            null),
        new Figure(
            CLUSTER,
            "member killed → its retryable task's result, pool that is a member",
            scenario("cluster", "member_death_to_retried_ms", Unit.MS, "SIGKILL to result"),
            null,
            Goal.none(),
            null),
        new Figure(
            CORE,
            "instrumentation point, tracer off",
            jmh("TracerBench.off", Unit.NS, "tracer off"),
            jmh("TracerBench.baseline", Unit.NS, "no instrumentation"),
            Goal.overheadAtMost(1.0, Unit.NS),
            null),
        new Figure(
            CORE,
            "event recorded, tracer on",
            jmh("TracerBench.on", Unit.NS, "tracer on"),
            jmh("TracerBench.baseline", Unit.NS, "no instrumentation"),
            Goal.overheadAtMost(100, Unit.NS),
            null),
        new Figure(
            AGENT,
            "loop of 1000 iterations with one call each, instrumented",
            jmh("AgentBench.callLoop", Unit.NS, "agent", "code=agent"),
            jmh("AgentBench.callLoop", Unit.NS, "compiled", "code=plain"),
            Goal.ratioAtMost(1.10),
            null),
        new Figure(
            AGENT,
            "counted loop of 1000 iterations without calls, instrumented",
            jmh("AgentBench.countedLoop", Unit.NS, "agent", "code=agent"),
            jmh("AgentBench.countedLoop", Unit.NS, "compiled", "code=plain"),
            Goal.ratioAtMost(1.5),
            null),
        new Figure(
            AGENT,
            "one inlined call, method-entry checkpoint",
            jmh("AgentBench.inlinedCall", Unit.NS, "agent", "code=agent"),
            jmh("AgentBench.inlinedCall", Unit.NS, "compiled", "code=plain"),
            Goal.none(),
            null),
        new Figure(
            AGENT,
            "2 CPU-bound threads, loop with calls: drop request → hand-off p99 (interval 5 ms)",
            scenario("agent-switch", "calls_p99_ms", Unit.MS, "under the agent"),
            scenario("agent-switch", "checkpoint_p99_ms", Unit.MS, "checkpoint() by hand"),
            Goal.atMost(10, Unit.MS),
            null),
        new Figure(
            AGENT,
            "2 CPU-bound threads, loop without calls: drop request → hand-off p99 (interval 5 ms)",
            scenario("agent-switch", "call_free_p99_ms", Unit.MS, "under the agent"),
            scenario("agent-switch", "checkpoint_p99_ms", Unit.MS, "checkpoint() by hand"),
            Goal.atMost(10, Unit.MS),
            null));
  }
}
