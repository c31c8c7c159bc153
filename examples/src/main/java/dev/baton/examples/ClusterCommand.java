package dev.baton.examples;

import dev.baton.cluster.ClusterMember;
import dev.baton.cluster.ClusterPool;
import dev.baton.cluster.ForkedMember;
import dev.baton.cluster.MemberLostException;
import dev.baton.process.Pool;
import dev.baton.process.ProcessPoolException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The CPU-bound example on a cluster of members on 127.0.0.1 (one in this JVM, the others forked
 * JVMs), through the same {@link Pool} API as the process pool; one forked member is killed with
 * SIGKILL in the middle: the tasks it held fail (submitted with {@code submit}) or run again on
 * another member ({@code submitRetryable}), every other result arrives, nothing hangs.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "When one machine is outgrown: the CPU-bound example on a Hazelcast cluster, through the",
      "process pool's API (ClusterPool instead of ProcessPool: one line). --members members on",
      "127.0.0.1: one in this JVM, the others forked JVMs. Even tasks are submitted with submit",
      "(at most once), odd ones with submitRetryable (at least once). At the first result, one",
      "forked member gets SIGKILL: its tasks fail or run again elsewhere, the rest arrive."
    })
final class ClusterCommand extends ExampleCommand {
  /** How long without a heartbeat before the demo's cluster declares a member dead. */
  static final Duration FAILURE_DETECTION = Duration.ofSeconds(5);

  /** The bound on every wait of the demo. */
  static final long WAIT_SECONDS = 120;

  @Option(
      names = "--members",
      defaultValue = "3",
      description = "Members of the cluster, at least 2 (default: ${DEFAULT-VALUE}).")
  int members;

  /**
   * Runs on a member: one number's sum of squares.
   *
   * @param n the number
   * @return {@code [n, sum, pid of the member's JVM]}
   */
  static List<Long> sumOfSquares(long n) {
    return List.of(n, Workloads.sumOfSquares(n), ProcessHandle.current().pid());
  }

  @Override
  String summary(Map<String, Object> figures) {
    return figures.get("members")
        + " members, "
        + figures.get("member_killed")
        + " killed: "
        + figures.get("failed")
        + " failed, "
        + figures.get("retried")
        + " retried, "
        + figures.get("succeeded")
        + " of "
        + figures.get("tasks")
        + " arrived, hung="
        + figures.get("hung");
  }

  @Override
  Map<String, Object> run(Output out) throws Exception {
    if (members < 2) {
      throw new ParameterException(spec.commandLine(), "--members must be >= 2, was " + members);
    }
    long[] numbers = Workloads.numbers(Workloads.DEFAULT_BASE);
    long start = System.nanoTime();
    String cluster = "baton-demo-" + ProcessHandle.current().pid();
    int port = 20_000 + 100 * ThreadLocalRandom.current().nextInt(300);
    String addresses = "127.0.0.1:" + port + "-" + (port + members + 4);
    out.printf(
        "A cluster \"%s\" of %d members on 127.0.0.1, ports from %d: one in this JVM, %d forked.%n",
        cluster, members, port, members - 1);
    List<ForkedMember> forked = new ArrayList<>();
    Map<String, Object> figures = new LinkedHashMap<>();
    try (ClusterPool pool =
        ClusterPool.builder()
            .name("demo")
            .clusterName(cluster)
            .port(port)
            .addresses(addresses)
            .threads(2)
            .failureDetection(FAILURE_DETECTION)
            .build()) {
      List<Thread> starters = new ArrayList<>();
      List<Exception> startFailures = new ArrayList<>();
      for (int i = 1; i < members; i++) {
        Thread t =
            new Thread(
                () -> {
                  try {
                    ForkedMember m =
                        ClusterMember.builder()
                            .clusterName(cluster)
                            .port(port)
                            .addresses(addresses)
                            .threads(2)
                            .failureDetection(FAILURE_DETECTION)
                            .jvmOptions("-XX:+UseSerialGC", "-Xmx128m")
                            .fork();
                    synchronized (forked) {
                      forked.add(m);
                    }
                  } catch (Exception e) {
                    synchronized (startFailures) {
                      startFailures.add(e);
                    }
                  }
                },
                "cluster-fork-" + i);
        t.start();
        starters.add(t);
      }
      for (Thread t : starters) {
        t.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      }
      if (!startFailures.isEmpty() || forked.size() != members - 1) {
        throw new IllegalStateException(
            "forked members did not start: " + startFailures, startFailures.getFirst());
      }
      long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (pool.memberCount() < members && System.nanoTime() < waitUntil) {
        Thread.sleep(20);
      }
      out.printf(
          "Members: %s; %d task slots. Started in %.1f s.%n",
          pool.memberAddresses(), pool.slots(), (System.nanoTime() - start) / 1e9);
      out.printf(
          "Summing squares below %d numbers from %,d to %,d: even tasks with submit, odd with"
              + " submitRetryable(task, 1).%n",
          numbers.length, numbers[0], numbers[numbers.length - 1]);

      Pool api = pool; // from here on, the code is the process pool's
      long mapStart = System.nanoTime();
      List<CompletableFuture<List<Long>>> futures = new ArrayList<>();
      for (int i = 0; i < numbers.length; i++) {
        long n = numbers[i];
        futures.add(
            i % 2 == 0
                ? api.submit(() -> sumOfSquares(n))
                : api.submitRetryable(() -> sumOfSquares(n), 1));
      }
      // The victim is killed at the first result from another member: by then every member is
      // computing, and the victim, a JVM that has just started, most likely still holds the two
      // tasks it was sent first (one submitted each way).
      ForkedMember victim = forked.getFirst();
      CountDownLatch otherAnswered = new CountDownLatch(1);
      for (CompletableFuture<List<Long>> f : futures) {
        f.thenAccept(
            r -> {
              if (r.get(2) != victim.pid()) {
                otherAnswered.countDown();
              }
            });
      }
      if (!otherAnswered.await(WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException("no result arrived within " + WAIT_SECONDS + " s");
      }
      out.printf(
          "kill -9 %d (member %s, in the middle of its tasks)%n%n", victim.pid(), victim.address());
      long killedAt = System.nanoTime();
      victim.kill();

      Object[] outcomes = new Object[numbers.length];
      boolean hung = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      for (int i = 0; i < numbers.length; i++) {
        long left = Math.max(1, deadline - System.nanoTime());
        try {
          outcomes[i] = futures.get(i).get(left, TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
          outcomes[i] = e.getCause();
        } catch (TimeoutException e) {
          hung = true;
        }
      }
      double afterKill = (System.nanoTime() - killedAt) / 1e9;
      double mapSeconds = (System.nanoTime() - mapStart) / 1e9;
      if (hung) {
        pool.shutdownNow();
      }
      int succeeded = 0;
      boolean correct = true;
      List<Integer> failedTasks = new ArrayList<>();
      String reason = null;
      Map<Long, Integer> byPid = new TreeMap<>();
      for (int i = 0; i < numbers.length; i++) {
        Object o = outcomes[i];
        String how = i % 2 == 0 ? "submit         " : "submitRetryable";
        if (o instanceof List<?> r) {
          succeeded++;
          long pid = (Long) r.get(2);
          byPid.merge(pid, 1, Integer::sum);
          correct &= r.get(0).equals(numbers[i]) && r.get(1).equals(expected(numbers[i]));
          out.printf(
              "  task %2d (%s): arrived from pid %d%s%n",
              i, how, pid, pid == victim.pid() ? " (before the kill)" : "");
        } else if (o instanceof MemberLostException e) {
          failedTasks.add(i);
          reason = "member " + e.member() + " (pid " + e.pid() + ") was lost while running it";
          out.printf(
              "  task %2d (%s): FAILED: MemberLostException, member %s (pid %d) lost%n",
              i, how, e.member(), e.pid());
        } else if (o instanceof ProcessPoolException e) {
          failedTasks.add(i);
          reason = e.getMessage();
          out.printf("  task %2d (%s): FAILED: %s%n", i, how, e);
        } else if (o instanceof Throwable t) {
          failedTasks.add(i);
          reason = t.toString();
          out.printf("  task %2d (%s): FAILED: %s%n", i, how, t);
        } else {
          out.printf("  task %2d (%s): no outcome within %d s (hung)%n", i, how, WAIT_SECONDS);
        }
      }
      long retried = pool.tasksRetried();
      out.println("");
      out.printf(
          "Failed: %s%s.%n",
          failedTasks.isEmpty() ? "none" : "task " + failedTasks,
          reason == null ? "" : ", " + reason.lines().findFirst().orElse(""));
      out.printf(
          "Retried on another member: %d task(s) submitted with submitRetryable.%n", retried);
      out.printf(
          "Arrived: %d of %d, %s; by member pid: %s; hung: %s; the last outcome %.1f s after the"
              + " kill.%n",
          succeeded,
          numbers.length,
          correct ? "all correct" : "SOME WRONG",
          byPid,
          hung,
          afterKill);
      figures.put("members", members);
      figures.put("tasks", numbers.length);
      figures.put("succeeded", succeeded);
      figures.put("failed", failedTasks.size());
      figures.put("failed_tasks", failedTasks);
      figures.put("failed_reason", reason);
      figures.put("failed_member_lost", outcomesOf(outcomes, MemberLostException.class));
      figures.put("retried", retried);
      figures.put("member_killed", victim.address());
      figures.put("killed_pid", victim.pid());
      figures.put("results_by_pid", byPid.toString());
      figures.put("results_correct", correct);
      figures.put("hung", hung);
      figures.put("map_s", Timing.round(mapSeconds));
      figures.put("after_kill_s", Timing.round(afterKill));
    } finally {
      forked.forEach(ForkedMember::close);
    }
    figures.put("elapsed_s", Timing.round((System.nanoTime() - start) / 1e9));
    return figures;
  }

  /** {@code sum(i * i for i < n)} modulo 2<sup>64</sup>, from the closed form (n-1)n(2n-1)/6. */
  static long expected(long n) {
    BigInteger big = BigInteger.valueOf(n);
    return big.subtract(BigInteger.ONE)
        .multiply(big)
        .multiply(big.shiftLeft(1).subtract(BigInteger.ONE))
        .divide(BigInteger.valueOf(6))
        .longValue();
  }

  private static int outcomesOf(Object[] outcomes, Class<?> type) {
    int n = 0;
    for (Object o : outcomes) {
      if (type.isInstance(o)) {
        n++;
      }
    }
    return n;
  }
}
