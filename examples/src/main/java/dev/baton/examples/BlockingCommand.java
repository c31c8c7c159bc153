package dev.baton.examples;

import static dev.baton.eventloop.Tasks.await;

import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.Task;
import dev.baton.eventloop.TaskMechanism;
import dev.baton.eventloop.Tasks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The talk's "What if a task does not cooperate?": a task that blocks the event loop stalls every
 * other task; the same work moved to the loop's executor does not.
 */
@Command(
    name = "blocking",
    mixinStandardHelpOptions = true,
    description = {
      "A task that does not cooperate: while one task blocks the event loop (a plain",
      "Thread.sleep, standing for any blocking call), the other tasks' timers cannot fire, and",
      "the loop logs a slow-callback warning naming the culprit. The same work moved to",
      "runInExecutor leaves the loop free: the others keep their rhythm."
    })
final class BlockingCommand extends ExampleCommand {

  @Option(
      names = "--blocked-ms",
      defaultValue = "200",
      description = "How long the uncooperative task blocks (default: ${DEFAULT-VALUE}).")
  int blockedMs;

  @Option(
      names = "--tickers",
      defaultValue = "3",
      description = "Other tasks, each waking every 10 ms (default: ${DEFAULT-VALUE}).")
  int tickers;

  @Option(names = "--quick", description = "A shorter observation window (for the tour).")
  boolean quick;

  /** What one phase measured. */
  record Phase(double othersMaxDelayMs, long warnings, String named) {}

  @Override
  Map<String, Object> run(Output out) {
    if (blockedMs <= 0 || tickers <= 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--blocked-ms and --tickers must be positive");
    }
    out.printf(
        "%d ticker tasks sleep 10 ms at a time and record how late they wake; a worker task"
            + " does %d ms of blocking work.%n%n",
        tickers, blockedMs);
    out.println("1. The worker blocks the loop (Thread.sleep inside the task):");
    Phase blocking = phase(false);
    out.printf(
        "   the others were up to %.1f ms late; slow-callback warnings: %d (naming %s)%n%n",
        blocking.othersMaxDelayMs(), blocking.warnings(), blocking.named());
    out.println("2. The worker awaits the same work run by loop.runInExecutor:");
    Phase offloaded = phase(true);
    out.printf(
        "   the others were up to %.1f ms late; slow-callback warnings: %d%n%n",
        offloaded.othersMaxDelayMs(), offloaded.warnings());
    Table table = new Table("worker", "others' worst delay (ms)", "warned");
    table.row("blocks the loop", blocking.othersMaxDelayMs(), blocking.warnings() > 0);
    table.row("runInExecutor", offloaded.othersMaxDelayMs(), offloaded.warnings() > 0);
    out.println(table.render());
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("blocked_ms", blockedMs);
    figures.put("warned", blocking.warnings() > 0);
    figures.put("warning_named", blocking.named());
    figures.put("others_max_delay_ms_blocking", blocking.othersMaxDelayMs());
    figures.put("others_max_delay_ms_offloaded", offloaded.othersMaxDelayMs());
    figures.put("warned_offloaded", offloaded.warnings() > 0);
    figures.put("tickers", tickers);
    figures.put("task_mechanism", TaskMechanism.defaultMechanism().name().toLowerCase());
    return figures;
  }

  @Override
  String summary(Map<String, Object> figures) {
    return String.format(
        "others late by %s ms when blocked, %s ms when offloaded; warned=%s",
        figures.get("others_max_delay_ms_blocking"),
        figures.get("others_max_delay_ms_offloaded"),
        figures.get("warned"));
  }

  private Phase phase(boolean offload) {
    long windowMs = blockedMs + (quick ? 100 : 300);
    EventLoop[] loopOut = new EventLoop[1];
    double worst =
        EventLoop.builder()
            .name("main")
            .slowCallbackThreshold(Duration.ofMillis(100))
            .run(
                () -> {
                  EventLoop loop = EventLoop.current();
                  loopOut[0] = loop;
                  List<Task<Double>> others = new ArrayList<>();
                  for (int i = 0; i < tickers; i++) {
                    others.add(loop.createTask("ticker-" + i, () -> tick(loop, windowMs)));
                  }
                  Task<Void> worker =
                      loop.createTask(
                          offload ? "worker (offloaded)" : "worker (blocking)",
                          () -> {
                            Tasks.sleep(Duration.ofMillis(50));
                            if (offload) {
                              await(loop.runInExecutor(() -> blockFor(blockedMs)));
                            } else {
                              blockFor(blockedMs);
                            }
                            return null;
                          });
                  double max = 0;
                  for (Task<Double> t : others) {
                    max = Math.max(max, await(t));
                  }
                  await(worker);
                  return max;
                });
    EventLoop loop = loopOut[0];
    return new Phase(
        Math.round(worst * 10) / 10.0, loop.slowCallbackWarnings(), loop.lastSlowCallback());
  }

  /** Sleeps 10 ms at a time for {@code windowMs}; returns the worst lateness in ms. */
  private static double tick(EventLoop loop, long windowMs) {
    long end = loop.time() + TimeUnit.MILLISECONDS.toNanos(windowMs);
    long worst = 0;
    while (loop.time() < end) {
      long due = loop.time() + TimeUnit.MILLISECONDS.toNanos(10);
      Tasks.sleep(Duration.ofMillis(10));
      worst = Math.max(worst, loop.time() - due);
    }
    return worst / 1e6;
  }

  private static Void blockFor(int ms) throws InterruptedException {
    Thread.sleep(ms);
    return null;
  }
}
