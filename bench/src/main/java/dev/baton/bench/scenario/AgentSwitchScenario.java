package dev.baton.bench.scenario;

import dev.baton.bench.agentload.Spin;
import dev.baton.core.trace.Lane;
import dev.baton.core.trace.Mark;
import dev.baton.core.trace.TraceSession;
import dev.baton.core.trace.TraceSnapshot;
import dev.baton.core.trace.Tracer;
import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilTrace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * same lane). Measured for a loop with one call per iteration and for a loop without calls (polled
 * every {@code Hooks.LOOP_POLL_INTERVAL} back branches), after a warm-up of each.
 *
 * <p>Keys, per loop ({@code calls}, {@code call_free}): {@code _p50_us}, {@code _p99_us}, {@code
 * _max_us}, {@code _per_s} (hand-offs per second), {@code _p99_ms}. The agent jar must have been
 * built ({@code ./mvnw -pl agent -am package}, which {@code bench/run.sh} does); without it the
 * scenario fails, naming the jar.
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
    long millis = smoke ? 300 : 3_000;
    measure("calls", Spin::withCalls, warmup, millis, out);
    measure("call_free", Spin::callFree, warmup, millis, out);
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

  private static void measure(
      String prefix, LongUnaryOperator spin, long warmupMillis, long millis, Metrics out)
      throws InterruptedException {
    spin(spin, warmupMillis); // compiles the loops and the agent's hooks before anything counts
    TraceSession session = Tracer.enable(1 << 16);
    TraceSnapshot trace;
    long start = System.nanoTime();
    try {
      spin(spin, millis);
      trace = session.snapshot();
    } finally {
      session.close();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (trace.droppedEvents() != 0) {
      throw new IllegalStateException(trace.droppedEvents() + " trace events lost");
    }
    Samples latencies = latencies(trace);
    if (latencies.size() == 0) {
      throw new IllegalStateException("no drop request was followed by a hand-off: no switches");
    }
    out.putLatency(prefix, latencies, latencies.size() / seconds);
    out.put(prefix + "_p99_ms", latencies.percentileNanos(99) / 1e6);
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
