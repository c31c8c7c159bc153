package dev.baton.bench.scenario;

import dev.baton.bench.report.Results;
import dev.baton.cluster.ClusterMember;
import dev.baton.cluster.ClusterPool;
import dev.baton.cluster.ForkedMember;
import dev.baton.cluster.MemberLostException;
import dev.baton.process.Pool;
import dev.baton.process.PoolFunction;
import dev.baton.process.PoolTask;
import dev.baton.process.ProcessPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The cluster pool on one machine beside the process pool, in the same run: a client {@link
 * ClusterPool} over 3 forked members on 127.0.0.1 (2 task threads each), and a {@link ProcessPool}
 * of 2 workers, through the same {@link Pool} calls. On one machine the cluster can only be slower
 * (a task crosses TCP and Hazelcast's executor instead of a pipe); these figures say by how much.
 *
 * <ul>
 *   <li>Round trip of a trivial task, one in flight: {@code cluster_rtt_p50_us}, {@code
 *       cluster_rtt_p99_us}, {@code process_rtt_p50_us}, {@code process_rtt_p99_us}.
 *   <li>{@code map} of trivial items, default chunking and chunk size 1, median of interleaved
 *       rounds: {@code cluster_map_per_s}, {@code process_map_per_s}, {@code
 *       cluster_map_chunk1_per_s}, {@code process_map_chunk1_per_s}.
 *   <li>A fresh member forked and sent two blocked tasks, one submitted with {@code submit}, one
 *       with {@code submitRetryable}, then killed with SIGKILL: time from the kill until the first
 *       fails with {@link MemberLostException} ({@code death_to_failed_ms}) and until the second
 *       has its result from another member ({@code death_to_retried_ms}); median over the kills.
 *       The cluster's failure-detection timeout is {@value #DETECTION_S} s. Then once more with a
 *       pool that is itself a member, which learns of the death from the cluster's membership
 *       instead of its own connection: {@code member_death_to_failed_ms}, {@code
 *       member_death_to_retried_ms} (full profile only).
 * </ul>
 *
 * <p>Smoke: one member and the victim, both started at once, and a few samples of each figure.
 */
final class ClusterScenario implements Scenario {
  static final int DETECTION_S = 4;

  private static final PoolTask<Integer> TRIVIAL = () -> 1;
  private static final PoolFunction<Integer, Integer> IDENTITY = x -> x;

  @Override
  public String name() {
    return "cluster";
  }

  @Override
  public List<String> jvmArgs() {
    return ClusterMember.jvmOptions();
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    int trips = smoke ? 100 : 2_000;
    int rounds = smoke ? 1 : 3;
    int items = smoke ? 2_000 : 20_000;
    int chunk1Items = smoke ? 100 : 1_000;
    int kills = smoke ? 1 : 3;
    // smoke: one member and the victim, started together (JVM starts are most of a smoke run)
    int stable = smoke ? 1 : 3;
    int upFront = smoke ? stable + 1 : stable;
    String cluster = "bench-" + ProcessHandle.current().pid();
    int port = 20_000 + 100 * ThreadLocalRandom.current().nextInt(300);
    String addresses = "127.0.0.1:" + port + "-" + (port + 9);
    Duration detection = Duration.ofSeconds(DETECTION_S);
    ClusterMember.Builder member =
        ClusterMember.builder()
            .clusterName(cluster)
            .port(port)
            .addresses(addresses)
            .threads(2)
            .failureDetection(detection)
            .jvmOptions("-XX:+UseSerialGC", "-Xmx256m");
    List<ForkedMember> members = new ArrayList<>();
    try {
      List<CompletableFuture<ForkedMember>> starting = new ArrayList<>();
      for (int i = 0; i < upFront; i++) {
        starting.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return member.fork();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while forking a member", e);
                  }
                }));
      }
      for (CompletableFuture<ForkedMember> f : starting) {
        members.add(f.get(120, TimeUnit.SECONDS));
      }
      try (ClusterPool clusterPool =
              ClusterPool.builder()
                  .name("bench")
                  .clusterName(cluster)
                  .addresses(addresses)
                  .failureDetection(detection)
                  .client()
                  .awaitMembers(upFront)
                  .build();
          ProcessPool processPool = ProcessPool.builder().name("bench").workers(2).build()) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < items; i++) {
          list.add(i);
        }
        List<Integer> small = list.subList(0, chunk1Items);
        // warm both up: the JIT on this side, the members' and workers' first tasks
        for (Pool pool : List.<Pool>of(clusterPool, processPool)) {
          roundTrips(pool, trips / 2);
          pool.map(IDENTITY, list);
          pool.map(IDENTITY, small, 1);
        }
        Samples clusterTrips = roundTrips(clusterPool, trips);
        Samples processTrips = roundTrips(processPool, trips);
        out.put("cluster_rtt_p50_us", clusterTrips.percentileNanos(50) / 1e3);
        out.put("cluster_rtt_p99_us", clusterTrips.percentileNanos(99) / 1e3);
        out.put("process_rtt_p50_us", processTrips.percentileNanos(50) / 1e3);
        out.put("process_rtt_p99_us", processTrips.percentileNanos(99) / 1e3);
        double[] clusterMap = new double[rounds];
        double[] processMap = new double[rounds];
        double[] clusterChunk1 = new double[rounds];
        double[] processChunk1 = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          clusterMap[r] = perSecond(clusterPool, list, 0);
          processMap[r] = perSecond(processPool, list, 0);
          clusterChunk1[r] = perSecond(clusterPool, small, 1);
          processChunk1[r] = perSecond(processPool, small, 1);
        }
        out.put("cluster_map_per_s", Results.median(clusterMap));
        out.put("process_map_per_s", Results.median(processMap));
        out.put("cluster_map_chunk1_per_s", Results.median(clusterChunk1));
        out.put("process_map_chunk1_per_s", Results.median(processChunk1));

        double[] failed = new double[kills];
        double[] retried = new double[kills];
        for (int k = 0; k < kills; k++) {
          ForkedMember victim;
          if (smoke) {
            victim = members.getLast();
          } else {
            victim = member.fork();
            members.add(victim);
          }
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (clusterPool.memberCount() < stable + 1 && System.nanoTime() < until) {
            Thread.sleep(10);
          }
          double[] times = deathToCompletion(clusterPool, victim);
          failed[k] = times[0];
          retried[k] = times[1];
          until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (clusterPool.memberCount() > stable && System.nanoTime() < until) {
            Thread.sleep(10);
          }
        }
        out.put("death_to_failed_ms", Results.median(failed));
        out.put("death_to_retried_ms", Results.median(retried));
        out.put("failure_detection_s", DETECTION_S);
      }
      if (!smoke) {
        // the same from a pool that is a member: it learns of the death from the cluster's
        // membership, where a client learns it from its own broken connection
        try (ClusterPool embedded =
            ClusterPool.builder()
                .name("bench-member")
                .clusterName(cluster)
                .port(port)
                .addresses(addresses)
                .threads(2)
                .failureDetection(detection)
                .awaitMembers(stable + 1)
                .build()) {
          ForkedMember victim = member.fork();
          members.add(victim);
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (embedded.memberCount() < stable + 2 && System.nanoTime() < until) {
            Thread.sleep(10);
          }
          double[] times = deathToCompletion(embedded, victim);
          out.put("member_death_to_failed_ms", times[0]);
          out.put("member_death_to_retried_ms", times[1]);
        }
      }
    } finally {
      members.forEach(ForkedMember::close);
    }
  }

  private static Samples roundTrips(Pool pool, int n) throws InterruptedException {
    Samples samples = new Samples(n);
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      int r = pool.apply(TRIVIAL);
      samples.add(System.nanoTime() - t0);
      if (r != 1) {
        throw new IllegalStateException("a trivial task returned " + r);
      }
    }
    return samples;
  }

  private static double perSecond(Pool pool, List<Integer> items, int chunk)
      throws InterruptedException {
    long t0 = System.nanoTime();
    List<Integer> results = pool.map(IDENTITY, items, chunk);
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (!results.equals(items)) {
      throw new IllegalStateException("map returned other items");
    }
    return items.size() / seconds;
  }

  /**
   * Puts the two measured tasks on the victim, kills it, and times both: first every slot of the
   * cluster gets a filler that returns at once on the victim and holds its slot for 3 s anywhere
   * else, so once the victim's two fillers are back the victim has the only free slots; the plain
   * task and the retryable one (each waits a minute on the victim and returns at once anywhere
   * else) go there; once the fillers are done, the victim is killed.
   *
   * @return milliseconds from the kill to the plain task's failure and to the retried task's result
   */
  private static double[] deathToCompletion(ClusterPool pool, ForkedMember victim)
      throws Exception {
    long victimPid = victim.pid();
    CompletableFuture<Long> plain = null;
    CompletableFuture<Long> retryable = null;
    // a cold victim may answer its fillers after the others' 3 s: then the measured tasks go
    // elsewhere, and the placement is tried again (the victim is warm by then)
    for (int attempt = 0; attempt < 5 && plain == null; attempt++) {
      List<CompletableFuture<Long>> fillers = new ArrayList<>();
      for (int i = pool.slots(); i > 0; i--) {
        fillers.add(pool.submit(sleepUnlessOn(victimPid, 3_000)));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (fillers.stream().filter(f -> f.isDone()).count() < 2) {
        if (System.nanoTime() > until) {
          throw new IllegalStateException("no filler came back within 60 s");
        }
        Thread.sleep(1);
      }
      boolean victimFree =
          fillers.stream().filter(f -> f.isDone() && f.join() == victimPid).count() == 2;
      CompletableFuture<Long> p = victimFree ? pool.submit(sleepOnlyOn(victimPid, 60_000)) : null;
      CompletableFuture<Long> r =
          victimFree ? pool.submitRetryable(sleepOnlyOn(victimPid, 60_000), 1) : null;
      for (CompletableFuture<Long> f : fillers) {
        f.get(60, TimeUnit.SECONDS);
      }
      if (p == null) {
        continue;
      }
      Thread.sleep(500); // a measured task sent elsewhere has returned by now
      if (p.isDone() || r.isDone()) {
        p.get(60, TimeUnit.SECONDS);
        r.get(60, TimeUnit.SECONDS);
        continue;
      }
      plain = p;
      retryable = r;
    }
    if (plain == null) {
      throw new IllegalStateException("the measured tasks could not be placed on the victim");
    }
    long killed = System.nanoTime();
    victim.kill();
    double failedMs;
    try {
      plain.get(60, TimeUnit.SECONDS);
      throw new IllegalStateException("the killed member's plain task did not fail");
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof MemberLostException)) {
        throw new IllegalStateException("the killed member's task failed otherwise", e.getCause());
      }
      failedMs = (System.nanoTime() - killed) / 1e6;
    }
    long pid = retryable.get(60, TimeUnit.SECONDS);
    double retriedMs = (System.nanoTime() - killed) / 1e6;
    if (pid == victimPid) {
      throw new IllegalStateException("the retried task's result came from the killed member");
    }
    return new double[] {failedMs, retriedMs};
  }

  /** Returns its JVM's pid, at once in the JVM {@code pid}, after {@code millis} elsewhere. */
  private static PoolTask<Long> sleepUnlessOn(long pid, long millis) {
    return () -> {
      long self = ProcessHandle.current().pid();
      if (self != pid) {
        Thread.sleep(millis);
      }
      return self;
    };
  }

  /** Returns its JVM's pid, after {@code millis} in the JVM {@code pid}, at once elsewhere. */
  private static PoolTask<Long> sleepOnlyOn(long pid, long millis) {
    return () -> {
      long self = ProcessHandle.current().pid();
      if (self == pid) {
        Thread.sleep(millis);
      }
      return self;
    };
  }
}
