package dev.baton.examples;

import dev.baton.process.ProcessPool;
import dev.baton.process.ProcessPoolException;
import dev.baton.process.WorkerCrashedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * A map over a pool of two worker JVMs during which one worker is killed with SIGKILL: only the
 * task it held fails, the pool replaces the worker, every other result arrives, nothing hangs.
 */
@Command(
    name = "crash",
    mixinStandardHelpOptions = true,
    description = {
      "Multiprocessing that survives a dead worker: a map of squares over a pool of 2 worker JVMs;",
      "after the first results arrive, one worker gets SIGKILL. The task it held fails with the",
      "reason, the pool starts a replacement, and every other result arrives. CPython's",
      "multiprocessing.Pool hangs forever here (gh-66587); ProcessPoolExecutor fails every",
      "pending task with BrokenProcessPool."
    })
final class CrashCommand extends ExampleCommand {

  @Option(
      names = "--tasks",
      description = "How many tasks the map runs (default 16, 8 with --quick).")
  Integer tasks;

  @Option(names = "--quick", description = "Fewer and shorter tasks, for CI and the quick tour.")
  boolean quick;

  /** The task whose worker is killed: the third, which starts once one of the first two is done. */
  private static final int VICTIM_TASK = 2;

  /**
   * What one task returns: its input, its square and the worker that computed it. Task {@link
   * #VICTIM_TASK} writes its worker's pid to {@code marker} and then works until its worker is
   * killed, so that the kill always lands in the middle of a task, never between two.
   */
  private static List<Long> square(int x, long millis, String marker)
      throws InterruptedException, IOException {
    if (x == VICTIM_TASK) {
      Path tmp = Path.of(marker + ".tmp");
      Files.writeString(tmp, Long.toString(ProcessHandle.current().pid()));
      Files.move(tmp, Path.of(marker), StandardCopyOption.ATOMIC_MOVE);
      Thread.sleep(TimeUnit.SECONDS.toMillis(120)); // ended by the kill
    }
    Thread.sleep(millis); // stands for work long enough to be caught in the middle of it
    return List.of((long) x, (long) x * x, ProcessHandle.current().pid());
  }

  /** Waits, bounded, for the victim task to say where it runs. */
  private static long victimPid(Path marker) throws InterruptedException, IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(marker)) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("task " + VICTIM_TASK + " did not start within 60 s");
      }
      Thread.sleep(5);
    }
    return Long.parseLong(Files.readString(marker).trim());
  }

  @Override
  String summary(Map<String, Object> figures) {
    return figures.get("failed")
        + " of "
        + figures.get("tasks")
        + " failed ("
        + figures.get("signal_name")
        + "), "
        + figures.get("succeeded")
        + " arrived, workers replaced="
        + figures.get("workers_replaced")
        + ", hung="
        + figures.get("hung");
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    int n = tasks != null ? tasks : quick ? 8 : 16;
    if (n < 4) {
      throw new ParameterException(spec.commandLine(), "--tasks must be >= 4, was " + n);
    }
    long millis = quick ? 100 : 200;
    long start = System.nanoTime();
    Map<String, Object> figures = new LinkedHashMap<>();
    Path dir = Files.createTempDirectory("baton-crash");
    Path markerFile = dir.resolve("victim.pid");
    String marker = markerFile.toString();
    try (ProcessPool pool =
        ProcessPool.builder()
            .name("crash")
            .workers(2)
            .jvmOptions("-XX:+UseSerialGC", "-Xmx64m")
            .build()) {
      List<Long> before = pool.workerPids();
      out.printf(
          "A map of %d tasks (x -> x*x, %d ms each) over a pool of 2 worker JVMs, pids %s.%n",
          n, millis, before);
      Object[] outcomes = new Object[n];
      CountDownLatch twoResults = new CountDownLatch(2);
      Thread consumer =
          new Thread(
              () -> {
                Iterator<List<Long>> results =
                    pool.imap(
                        x -> square(x, millis, marker), IntStream.range(0, n).boxed().toList(), 1);
                for (int i = 0; i < n; i++) {
                  try {
                    outcomes[i] = results.next();
                  } catch (ProcessPoolException e) {
                    outcomes[i] = e;
                  }
                  twoResults.countDown();
                }
              },
              "crash-consumer");
      consumer.start();
      if (!twoResults.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the first results did not arrive within 60 s");
      }
      long victim = victimPid(markerFile);
      out.printf("kill -9 %d (a worker in the middle of a task)%n%n", victim);
      ProcessHandle.of(victim).ifPresent(ProcessHandle::destroyForcibly);
      consumer.join(TimeUnit.SECONDS.toMillis(60));
      boolean hung = consumer.isAlive();
      if (hung) {
        pool.shutdownNow();
      }

      int succeeded = 0;
      boolean correct = true;
      List<Integer> failedTasks = new ArrayList<>();
      String reason = null;
      Integer signal = null;
      for (int i = 0; i < n; i++) {
        Object o = outcomes[i];
        if (o instanceof List<?> r) {
          succeeded++;
          correct &= r.get(0).equals((long) i) && r.get(1).equals((long) i * i);
          out.printf("  task %2d: %3d from worker %s%n", i, (Long) r.get(1), r.get(2));
        } else if (o instanceof ProcessPoolException e) {
          failedTasks.add(i);
          reason = e.getMessage().lines().findFirst().orElse("");
          if (e instanceof WorkerCrashedException crash && crash.signal().isPresent()) {
            signal = crash.signal().getAsInt();
          }
          out.printf("  task %2d: FAILED: %s: %s%n", i, e.getClass().getSimpleName(), reason);
        } else {
          out.printf("  task %2d: no outcome (the map hung)%n", i);
        }
      }
      long replaced = pool.workersReplaced();
      List<Long> after = pool.workerPids();
      out.println("");
      out.printf(
          "Failed: %s, because the worker running it died (%s).%n",
          failedTasks.isEmpty() ? "none" : "task " + failedTasks,
          signal == null ? "no signal" : "signal " + signal);
      out.printf(
          "The pool replaced the worker: pids %s before, %s after; workers replaced: %d.%n",
          before, after, replaced);
      out.printf(
          "Every other result arrived: %d of %d, %s; hung: %s.%n",
          succeeded, n - failedTasks.size(), correct ? "all correct" : "SOME WRONG", hung);
      out.println(
          "(CPython's multiprocessing.Pool waits forever for the lost task, gh-66587;"
              + " ProcessPoolExecutor fails every pending task with BrokenProcessPool.)");
      figures.put("tasks", n);
      figures.put("succeeded", succeeded);
      figures.put("failed", failedTasks.size());
      figures.put("failed_tasks", failedTasks);
      figures.put("failed_reason", reason);
      figures.put("killed_pid", victim);
      figures.put("signal", signal);
      figures.put(
          "signal_name", signal != null && signal == 9 ? "SIGKILL" : String.valueOf(signal));
      figures.put("workers_replaced", replaced);
      figures.put("workers_before", before);
      figures.put("workers_after", after);
      figures.put("results_correct", correct);
      figures.put("hung", hung);
    } finally {
      Files.deleteIfExists(markerFile);
      Files.deleteIfExists(dir);
    }
    figures.put("seconds", Timing.round((System.nanoTime() - start) / 1e9));
    return figures;
  }
}
