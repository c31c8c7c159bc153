package dev.baton.bench.scenario;

import dev.baton.bench.agentload.Waits;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;

/**
 * Blocking-heavy plain Java ({@link Waits}) with and without the agent, one scenario each ({@code
 * agent-blocking} runs under {@code -javaagent:agent/target/baton-agent.jar=include=
 * dev.baton.bench.agentload.}, {@code agent-blocking-plain} without): four threads passing 100 000
 * items through a {@code SynchronousQueue}, where every hand-off parks and so releases and re-takes
 * the GIL under the agent, and a parallel stream of 200 000 elements, whose caller joins the common
 * pool's workers (each a thread of included code taking the GIL). Each after a warm-up, the median
 * of 5 rounds.
 *
 * <p>Keys: {@code sync_queue_ms}, {@code parallel_stream_ms}.
 */
final class AgentBlockingScenario implements Scenario {
  private static final int ITEMS = 100_000;
  private static final int ELEMENTS = 200_000;

  private final boolean agent;

  AgentBlockingScenario(boolean agent) {
    this.agent = agent;
  }

  @Override
  public String name() {
    return agent ? "agent-blocking" : "agent-blocking-plain";
  }

  @Override
  public List<String> jvmArgs() {
    if (!agent || !Files.isRegularFile(AgentSwitchScenario.AGENT_JAR)) {
      return List.of();
    }
    return List.of(
        "-javaagent:"
            + AgentSwitchScenario.AGENT_JAR.toAbsolutePath()
            + "=include="
            + Waits.class.getPackageName()
            + ".,name=agent-blocking");
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    if (agent && jvmArgs().isEmpty()) {
      throw new IllegalStateException(
          "no agent jar at " + AgentSwitchScenario.AGENT_JAR.toAbsolutePath());
    }
    int rounds = smoke ? 1 : 5;
    int items = smoke ? ITEMS / 10 : ITEMS;
    int elements = smoke ? ELEMENTS / 10 : ELEMENTS;
    long expected = (long) items * (items - 1) / 2;
    if (Waits.synchronousQueue(items) != expected) {
      throw new IllegalStateException("the synchronous queue lost items");
    }
    Waits.parallelStream(elements);
    double[] queue = new double[rounds];
    double[] stream = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      if (Waits.synchronousQueue(items) != expected) {
        throw new IllegalStateException("the synchronous queue lost items");
      }
      long t1 = System.nanoTime();
      Waits.parallelStream(elements);
      long t2 = System.nanoTime();
      queue[r] = (t1 - t0) / 1e6;
      stream[r] = (t2 - t1) / 1e6;
    }
    out.put("sync_queue_ms", median(queue));
    out.put("parallel_stream_ms", median(stream));
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
