package dev.baton.bench.scenario;

import dev.baton.bench.agentload.Spin;
import dev.baton.core.trace.Lane;
import dev.baton.core.trace.Mark;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import dev.baton.gil.Gil;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;

/**
 * Switch latency under the agent: two CPU-bound threads of plain code ({@link Spin}, no Baton call
 * in it) run under {@code
 * -javaagent:agent/target/baton-agent.jar=include=dev.baton.bench.agentload.} with a 5 ms switch
 * interval, so that the GIL passes only at the checkpoints the agent inserted. For every drop
 * request (a waiter that waited one interval asks the holder to drop), the latency is the time from
 * the request to the hand-off that gives the requester the GIL, both read from the trace's marks
 * ({@link GilTrace#DROP_REQUEST} on the requester's lane, then {@link GilTrace#GIL_HANDOFF} on the
 * same lane). Measured for a loop with one call per iteration, for a loop without calls, and, as
 * the peer, for two threads of a runtime built in the scenario whose loop calls {@code
 * Gil.checkpoint()} by hand at each iteration (the same switch interval, no agent): each after a
 * warm-up, then in interleaved rounds, so that a change in the machine's load falls on all three.
 * On a loaded machine every hand-off waits for the operating system to run the thread that was
 * handed the GIL; the peer shows how much of the latency that is.
 *
 * <p>Keys, per loop ({@code calls}, {@code call_free}, {@code checkpoint}): {@code _p50_us}, {@code
 * _p99_us}, {@code _max_us}, {@code _per_s} (hand-offs per second), {@code _p99_ms}. The agent jar
 * must have been built ({@code ./mvnw -pl agent -am package}, which {@code bench/run.sh} does);
 * without it the scenario fails, naming the jar.
 */
final class AgentSwitchScenario implements Scenario {
  static final Duration INTERVAL = Duration.ofMillis(5);

  /** Relative to the repository root, where {@code bench/run.sh} runs. */
  static final Path AGENT_JAR = Path.of("agent", "target", "baton-agent.jar");

  @Override
  public String name() {
    return "agent-switch";
  }

  @Override
  public List<String> jvmArgs() {
    if (!Files.isRegularFile(AGENT_JAR)) {
      return List.of(); // run() then fails, naming the missing jar
    }
    return List.of(
        "-javaagent:"
            + AGENT_JAR.toAbsolutePath()
            + "=include="
            + Spin.class.getPackageName()
            + ".,interval="
            + INTERVAL.toMillis()
            + "ms,name=agent-switch");
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    GilRuntime runtime = agentRuntime();
    if (runtime.gil().switchInterval().compareTo(INTERVAL) != 0) {
      throw new IllegalStateException(
          "the agent runs with interval " + runtime.gil().switchInterval());
    }
    long warmup = smoke ? 100 : 1_000;
    long millis = smoke ? 300 : 1_000;
    int rounds = smoke ? 1 : 3;
    try (GilRuntime peer =
        GilRuntime.builder().name("checkpoint-peer").switchInterval(INTERVAL).build()) {
      Map<String, LongUnaryOperator> loops = new LinkedHashMap<>();
      loops.put("calls", Spin::withCalls);
      loops.put("call_free", Spin::callFree);
      loops.put("checkpoint", seed -> byHand(peer, seed));
      for (LongUnaryOperator loop : loops.values()) {
        spin(loop, warmup); // compiles the loops and the agent's hooks before anything counts
      }
      // rounds interleaved, so that a change in the machine's load falls on all three
      Map<String, Samples> latencies = new LinkedHashMap<>();
      Map<String, Double> seconds = new HashMap<>();
      for (int r = 0; r < rounds; r++) {
        for (Map.Entry<String, LongUnaryOperator> loop : loops.entrySet()) {
          long start = System.nanoTime();
          Samples round = traced(loop.getValue(), millis);
          seconds.merge(loop.getKey(), (System.nanoTime() - start) / 1e9, Double::sum);
          latencies.computeIfAbsent(loop.getKey(), k -> new Samples(1024)).addAll(round);
        }
      }
      for (Map.Entry<String, Samples> entry : latencies.entrySet()) {
        Samples samples = entry.getValue();
        if (samples.size() == 0) {
          throw new IllegalStateException(
              entry.getKey() + ": no drop request was followed by a hand-off: no switches");
        }
        out.putLatency(entry.getKey(), samples, samples.size() / seconds.get(entry.getKey()));
        out.put(entry.getKey() + "_p99_ms", samples.percentileNanos(99) / 1e6);
      }
    }
  }

  /**
   * The peer's loop: the same step as {@link Spin#withCalls}, with a checkpoint written by hand.
   */
  private static long byHand(GilRuntime runtime, long seed) {
    try (GilRuntime.Ensured ensured = runtime.ensure()) {
      Gil gil = runtime.gil();
      long x = seed;
      while (Spin.running) {
        x = x * 6364136223846793005L + 1442695040888963407L;
        gil.checkpoint();
      }
      return x | 1;
    }
  }

  private static GilRuntime agentRuntime() throws ReflectiveOperationException {
    Object runtime = Class.forName("dev.baton.agent.BatonAgent").getMethod("runtime").invoke(null);
    if (runtime == null) {
      throw new IllegalStateException(
          "the Baton agent is not running: build "
              + AGENT_JAR
              + " (./mvnw -pl agent -am package) and run from the repository root");
    }
    return (GilRuntime) runtime;
  }

  /** One traced round of the two spinners: the latency of each of its drop requests. */
  private static Samples traced(LongUnaryOperator loop, long millis) throws InterruptedException {
    System.gc(); // the previous round's garbage is collected now, not in the middle of this one
    TraceSession session = Tracer.enable(1 << 13); // a few hundred events per thread and round
    TraceSnapshot trace;
    try {
      spin(loop, millis);
      trace = session.snapshot();
    } finally {
      session.close();
    }
    if (trace.droppedEvents() != 0) {
      throw new IllegalStateException(trace.droppedEvents() + " trace events lost");
    }
    return latencies(trace);
  }

  /** Two threads of plain code, each entering the included loop (and so the GIL) on its own. */
  private static void spin(LongUnaryOperator spin, long millis) throws InterruptedException {
    Spin.running = true;
    long[] sinks = new long[2];
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      int index = t;
      threads.add(
          Thread.ofPlatform()
              .name("spinner-" + t)
              .start(() -> sinks[index] = spin.applyAsLong(index + 1)));
    }
    Thread.sleep(millis);
    Spin.running = false;
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(30));
      if (thread.isAlive()) {
        throw new IllegalStateException(thread.getName() + " did not stop in 30 s");
      }
    }
    if (sinks[0] == 0 || sinks[1] == 0) {
      throw new IllegalStateException("a spinner did not finish its work");
    }
  }

  /** For each drop request, the time until the requester's next hand-off. */
  static Samples latencies(TraceSnapshot trace) {
    Map<Lane, Long> pending = new HashMap<>();
    Samples samples = new Samples(1024);
    for (Mark mark : trace.marks()) { // sorted by time
      if (mark.kind().equals(GilTrace.DROP_REQUEST)) {
        pending.putIfAbsent(mark.lane(), mark.atNanos());
      } else if (mark.kind().equals(GilTrace.GIL_HANDOFF)) {
        Long requested = pending.remove(mark.lane());
        if (requested != null) {
          samples.add(mark.atNanos() - requested);
        }
      }
    }
    return samples;
  }
}
