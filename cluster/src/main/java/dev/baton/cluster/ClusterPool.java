package dev.baton.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.baton.cluster.internal.ClusterKeys;
import dev.baton.cluster.internal.Dispatcher;
import dev.baton.cluster.internal.MemberTask;
import dev.baton.core.Blocking;
import dev.baton.process.Codec;
import dev.baton.process.Pool;
import dev.baton.process.PoolBiFunction;
import dev.baton.process.PoolFunction;
import dev.baton.process.PoolTask;
import dev.baton.process.WorkerStartException;
import dev.baton.process.internal.CodecOptions;
import dev.baton.process.internal.Payloads;
import dev.baton.process.internal.PoolCalls;
import dev.baton.process.internal.ValueCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Pool} API on a Hazelcast cluster: the tasks of {@link dev.baton.process.ProcessPool}
 * run on the members of a cluster instead of worker JVMs of this machine. The pool either starts a
 * member in this JVM, which runs tasks too and which other members ({@link ClusterMember}) join, or
 * joins existing members as a client ({@link Builder#client()}).
 *
 * <pre>{@code
 * try (Pool pool = ClusterPool.builder().addresses("10.0.0.7:5701").client().build()) {
 *   List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3));   // [1, 4, 9]
 * }
 * }</pre>
 *
 * <p>Tasks travel as the process pool's bytes: serialized in the caller's thread ({@link
 * dev.baton.process.TaskSerializationException} at submission, with the process pool's message),
 * arguments and results in the pool's {@link Codec}. Whoever decodes applies its own rules: a
 * member decodes a task and its arguments under the member's own codec, allow-list and limits (its
 * builder's, or a forked member's system properties; nothing of them travels with a task), and
 * refuses what they refuse with a {@link dev.baton.process.TaskSerializationException} naming the
 * class, serving on; this pool decodes results and exceptions under its own. The pool's own member
 * applies this builder's settings. Hazelcast carries only bytes (Baton's task type is an {@code
 * IdentifiedDataSerializable}) and never deserializes a task or an exception itself; a member's
 * Java deserialization resolves only Hazelcast's and the JDK's classes, and its executors run no
 * task but Baton's, whatever their name. Members must have the tasks' classes on their class path,
 * and decode a stateless task or a map's function once per pool, not once per task.
 *
 * <p>Scheduling: tasks wait in a queue in this JVM and go to members with a free slot (a member has
 * as many as it has task threads, times {@link Builder#tasksInFlightPerThread}, 2 by default, so
 * that a thread's next task is already there when it finishes one), so a member holds only tasks it
 * runs or is about to, a member that joins during a map gets the next chunks at once, and a faster
 * member gets more. The chunk size of {@code map} is CPython's {@code len / (slots * 4)} rounded
 * up, over the slots of the members present when the map starts; {@code imap} keeps {@code 2 *
 * slots} chunks in flight. When a map's chunks far outnumber the members' free places (small
 * chunks), they travel in batches, one Hazelcast invocation each, run one after the other on a
 * member thread.
 *
 * <p>Failures: a member that leaves the cluster or can no longer be reached (killed, crashed,
 * partitioned) while it holds tasks fails those tasks only, with {@link MemberLostException} naming
 * the member, after the failure-detection timeout at most (at most once: such a task may or may not
 * have run); a task submitted with {@link #submitRetryable} is sent again to another member instead
 * (at least once); the other tasks go on. When no member is left to run queued tasks (a client
 * whose members are all gone), they fail after the no-member timeout, with a {@link
 * dev.baton.process.PoolException}. A task that throws fails with {@link
 * dev.baton.process.RemoteTaskException}. {@code cancel(false)} removes a queued task and drops a
 * running one's result (the member runs it to the end); {@code cancel(true)} and a missed deadline
 * (the {@code Duration} overloads) also reach the member, which interrupts the task, and free its
 * slot at once. {@link #close()} waits for running tasks at most {@link Builder#closeTimeout}, then
 * does what {@link #shutdownNow()} does; after termination no thread of the pool or of its
 * Hazelcast instance is left (a task that ignores interrupts keeps its member's thread, as any Java
 * thread would; on a machine of 2 cores or fewer, the daemon threads that run Hazelcast's
 * asynchronous callbacks for the whole JVM end after a minute idle).
 *
 * <p>Trust: a cluster's name is not a password. With a secret ({@link Builder#secret(Path)}, the
 * same on every member), a member takes part only after proving that it holds it, every task and
 * every answer carries an HMAC-SHA256 tag over its bytes and the cluster's identity, a member
 * refuses a task whose tag is wrong before it decodes anything, and this pool refuses an answer
 * whose tag is wrong and treats its member as lost. Without a secret the pool and its members stay
 * on 127.0.0.1; addresses beyond it without a secret are refused. What a secret does not give
 * (encryption, protection of Hazelcast's own protocol from a peer on the network) is in the module
 * README.
 *
 * <p>Futures: the futures this pool returns complete on its callback threads, named {@code
 * baton-cluster-<pool>-callbacks-N}, never on a Hazelcast thread; their dependent actions run there
 * too, unless given an executor, and may use the pool in every way. When {@link #close} returns,
 * every task's future is complete.
 *
 * <p>Logging: progress and membership (a member joined or was lost, a task sent again) go to SLF4J
 * at INFO; Hazelcast logs through SLF4J too, one level down: its start-up and membership chatter at
 * DEBUG, its warnings and errors as they are (the pool sets the system property {@code
 * hazelcast.logging.class} unless this JVM set it or {@code hazelcast.logging.type}; see {@code
 * dev.baton.cluster.internal.HazelcastLogging}).
 *
 * <p>Threading: every method may be called from any thread; every wait runs inside {@link
 * Blocking#call}. The scheduler's design is in {@code dev.baton.cluster.internal.Dispatcher}.
 */
public final class ClusterPool implements Pool {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterPool.class);
  private static final AtomicInteger POOL_SEQ = new AtomicInteger();

  private final String name;
  private final HazelcastInstance hazelcast;
  private final Dispatcher dispatcher;
  private final PoolCalls calls;

  private final Duration closeTimeout;

  private ClusterPool(
      String name,
      ValueCodec codec,
      HazelcastInstance hazelcast,
      Dispatcher dispatcher,
      Duration closeTimeout) {
    this.name = name;
    this.hazelcast = hazelcast;
    this.dispatcher = dispatcher;
    this.closeTimeout = closeTimeout;
    this.calls =
        new PoolCalls(
            "cluster pool \"" + name + "\"",
            codec,
            new PoolCalls.Dispatch() {
              @Override
              public CompletableFuture<Object> submit(
                  Payloads.TaskBody body, int retries, boolean exposed) {
                return dispatcher.submit(
                    dispatcher.task(body.kind(), body.functionId(), body.function(), body.values()),
                    retries,
                    exposed);
              }

              @Override
              public List<? extends CompletableFuture<Object>> submitAll(
                  List<Payloads.TaskBody> bodies) {
                List<MemberTask> tasks = new java.util.ArrayList<>(bodies.size());
                for (Payloads.TaskBody b : bodies) {
                  tasks.add(dispatcher.task(b.kind(), b.functionId(), b.function(), b.values()));
                }
                return dispatcher.submitAll(tasks);
              }

              @Override
              public int slots() {
                return dispatcher.slots();
              }

              @Override
              public PoolCalls.Deadline deadline(Duration timeout, String call) {
                return dispatcher.deadline(timeout, call);
              }
            });
  }

  /**
   * @return a builder with the defaults: start a member in this JVM, cluster {@code baton}, TCP-IP
   *     join on {@code 127.0.0.1} from port 5701 upward, one task thread per available processor,
   *     the {@link Codec#COMPACT} codec, a 10 s failure-detection timeout
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return name;
  }

  /**
   * @return how many members tasks go to now (the pool's own member included)
   */
  public int memberCount() {
    return dispatcher.memberCount();
  }

  /**
   * @return their addresses, {@code host:port}, in the order they joined
   */
  public List<String> memberAddresses() {
    return dispatcher.memberAddresses();
  }

  /**
   * @return how many tasks the members present can run at once
   */
  public int slots() {
    return dispatcher.slots();
  }

  /**
   * @return how many times a task was sent again because its member was lost
   */
  public long tasksRetried() {
    return dispatcher.tasksRetried();
  }

  /**
   * @return how many tasks failed with {@link MemberLostException}
   */
  public long tasksLost() {
    return dispatcher.tasksLost();
  }

  /**
   * @return the address of the member this pool started in this JVM, or null for a client
   */
  public String localMemberAddress() {
    return hazelcast.getCluster().getLocalMember() == null
        ? null
        : ClusterMember.address(hazelcast.getCluster().getLocalMember());
  }

  // ---- submission ----

  @Override
  public <T> CompletableFuture<T> submit(PoolTask<T> task) {
    return calls.submit(task, 0);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: the task runs again on another member when its member leaves or cannot be reached.
   */
  @Override
  public <T> CompletableFuture<T> submitRetryable(PoolTask<T> task, int maxRetries) {
    return calls.submit(task, maxRetries);
  }

  @Override
  public <T> T apply(PoolTask<T> task) throws InterruptedException {
    return calls.apply(task);
  }

  /**
   * Submits a task with a deadline: if it has not finished {@code timeout} after this call (time in
   * the queue counts), its future fails with a {@link TimeoutException}; a queued task is removed,
   * and a running one is cancelled on its member (its thread there is interrupted) and its slot
   * freed. Other tasks and callers are unaffected.
   *
   * @param task the task, serialized now, in the caller's thread
   * @param timeout how long it may take, positive
   * @param <T> its result type
   * @return its future
   * @throws IllegalArgumentException when {@code timeout} is not positive
   */
  @Override
  public <T> CompletableFuture<T> submit(PoolTask<T> task, Duration timeout) {
    return calls.submit(task, timeout);
  }

  /**
   * Runs a task with a deadline (see {@link #submit(PoolTask, Duration)}) and waits for it.
   *
   * @param task the task
   * @param timeout how long it may take, positive
   * @param <T> its result type
   * @return its result
   * @throws InterruptedException when the waiting thread is interrupted (the task goes on)
   * @throws TimeoutException when it missed the deadline
   */
  @Override
  public <T> T apply(PoolTask<T> task, Duration timeout)
      throws InterruptedException, TimeoutException {
    return calls.apply(task, timeout);
  }

  /**
   * Like {@link #map(PoolFunction, Collection, int)} with a deadline for the whole map: once it
   * passes, every chunk not yet done fails with a {@link TimeoutException} (queued chunks are
   * removed, running ones cancelled on their members) and this call throws it.
   *
   * @param fn the function
   * @param items the items
   * @param chunkSize items per task, {@code >= 1}, or 0 for the default
   * @param timeout how long the map may take, positive
   * @param <A> the item type
   * @param <R> the result type
   * @return the results, in the items' order
   * @throws InterruptedException when the waiting thread is interrupted
   * @throws TimeoutException when the deadline passed first
   */
  @Override
  public <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn,
      Collection<? extends A> items,
      int chunkSize,
      Duration timeout)
      throws InterruptedException, TimeoutException {
    return calls.map(fn, items, chunkSize, timeout);
  }

  @Override
  public <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      Duration timeout) {
    return calls.imap(fn, items, chunkSize, true, timeout);
  }

  @Override
  public <A, R> Iterator<R> imapUnordered(
      PoolFunction<? super A, ? extends R> fn,
      Iterable<? extends A> items,
      int chunkSize,
      Duration timeout) {
    return calls.imap(fn, items, chunkSize, false, timeout);
  }

  @Override
  public <A, R> List<R> map(PoolFunction<? super A, ? extends R> fn, Collection<? extends A> items)
      throws InterruptedException {
    return map(fn, items, 0);
  }

  @Override
  public <A, R> List<R> map(
      PoolFunction<? super A, ? extends R> fn, Collection<? extends A> items, int chunkSize)
      throws InterruptedException {
    return calls.map(fn, items, chunkSize);
  }

  @Override
  public <A, B, R> List<R> starmap(
      PoolBiFunction<? super A, ? super B, ? extends R> fn,
      Collection<? extends Map.Entry<? extends A, ? extends B>> pairs,
      int chunkSize)
      throws InterruptedException {
    return calls.starmap(fn, pairs, chunkSize);
  }

  @Override
  public <A, R> Iterator<R> imap(
      PoolFunction<? super A, ? extends R> fn, Iterable<? extends A> items, int chunkSize) {
    return calls.imap(fn, items, chunkSize, true);
  }

  @Override
  public <A, R> Iterator<R> imapUnordered(
      PoolFunction<? super A, ? extends R> fn, Iterable<? extends A> items, int chunkSize) {
    return calls.imap(fn, items, chunkSize, false);
  }

  // ---- shutdown ----

  /**
   * {@inheritDoc}
   *
   * <p>Here: once the queue is drained and no task runs, the pool's member leaves the cluster (or
   * its client disconnects).
   */
  @Override
  public void shutdown(QueuedTasks queued) {
    dispatcher.shutdown(Objects.requireNonNull(queued, "queued") == QueuedTasks.CANCEL);
  }

  @Override
  public void shutdownNow() {
    dispatcher.shutdownNow();
  }

  @Override
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return calls.awaitTermination(dispatcher.terminationFuture(), timeout);
  }

  @Override
  public boolean isTerminated() {
    return dispatcher.terminationFuture().isDone();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Here: waits for running tasks at most {@link Builder#closeTimeout} (default 60 s), then
   * cancels what is left as {@link #shutdownNow()} does; returns once the pool has terminated, or
   * after 30 s more at most.
   */
  @Override
  public void close() {
    shutdown();
    try {
      if (!awaitTermination(closeTimeout)) {
        LOG.warn(
            "pool {}: tasks still running {} after close(); cancelling them on their members",
            name,
            closeTimeout);
        shutdownNow();
        if (!awaitTermination(Duration.ofSeconds(30))) {
          LOG.warn("pool {}: not terminated 30 s after shutdownNow()", name);
        }
      }
    } catch (InterruptedException e) {
      shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Configures and starts a {@link ClusterPool}: the settings of the cluster and of the pool's own
   * member are those of {@link AbstractMemberBuilder}, the pool's own are here. Not thread-safe;
   * each {@link #build()} starts a new pool (and, unless {@link #client()}, a new member).
   */
  public static final class Builder extends AbstractMemberBuilder<Builder> {
    private String name = "cluster-" + POOL_SEQ.incrementAndGet();
    private boolean client;
    private int awaitMembers = 1;
    private Duration noMemberTimeout = Duration.ofSeconds(30);
    private Duration closeTimeout = Duration.ofSeconds(60);
    private int window = 2;

    private Builder() {}

    /**
     * @param name the pool's name, in its logs and messages (and its member's instance name)
     * @return this
     */
    public Builder name(String name) {
      this.name = CodecOptions.poolName(name);
      return this;
    }

    /**
     * Joins the cluster as a client instead of starting a member: this JVM runs no task.
     *
     * @return this
     */
    public Builder client() {
      this.client = true;
      return this;
    }

    /**
     * @param n how many members that run tasks {@link #build()} waits for (default 1)
     * @return this
     */
    public Builder awaitMembers(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("awaitMembers must be >= 1, was " + n);
      }
      this.awaitMembers = n;
      return this;
    }

    /**
     * @param timeout how long queued tasks wait when no member can run them before they fail
     *     (default 30 s)
     * @return this
     */
    public Builder noMemberTimeout(Duration timeout) {
      this.noMemberTimeout = CodecOptions.positive(timeout, "noMemberTimeout");
      return this;
    }

    /**
     * @param n tasks sent ahead to a member per task thread it runs, {@code >= 1} (default 2): the
     *     next task is already on the member when a thread finishes one, so no member idles for a
     *     round trip; a member that is lost holds this many times more tasks. 1 sends a member only
     *     tasks it can start at once
     * @return this
     */
    public Builder tasksInFlightPerThread(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("tasksInFlightPerThread must be >= 1, was " + n);
      }
      this.window = n;
      return this;
    }

    /**
     * @param timeout how long {@link ClusterPool#close()} waits for running tasks before it cancels
     *     them on their members (default 60 s)
     * @return this
     */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = CodecOptions.positive(timeout, "closeTimeout");
      return this;
    }

    /**
     * Starts the pool's member (or connects its client) and waits until {@link #awaitMembers}
     * members that run tasks are in the cluster.
     *
     * @return the running pool
     * @throws WorkerStartException when the cluster cannot be reached or the members do not come
     *     within the start-up timeout
     * @throws InterruptedException when interrupted while waiting (the pool is shut down)
     * @throws IllegalStateException when addresses beyond 127.0.0.1 were given without a secret
     */
    public ClusterPool build() throws InterruptedException {
      settings.checkExposure("pool " + name);
      ValueCodec valueCodec = settings.valueCodec(ClusterPool.class);
      ClusterKeys keys = settings.keys();
      if (keys == null) {
        LOG.info(
            "pool {}: cluster \"{}\" has no secret, so it stays on 127.0.0.1; set one with"
                + " secret(Path) or secretFromEnv(String) to reach other machines",
            name,
            settings.clusterName());
      }
      String instance =
          name + "-" + ProcessHandle.current().pid() + "-" + POOL_SEQ.incrementAndGet();
      long deadline = System.nanoTime() + startupTimeout.toNanos();
      HazelcastInstance hz;
      try {
        hz =
            Blocking.call(
                () ->
                    client
                        ? HazelcastClient.newHazelcastClient(
                            settings.clientConfig(instance, startupTimeout))
                        : Hazelcast.newHazelcastInstance(
                            settings.memberConfig(
                                instance, settings.memberRules(ClusterPool.class))));
      } catch (RuntimeException e) {
        throw new WorkerStartException(
            "pool "
                + name
                + " could not "
                + (client ? "connect to cluster \"" : "start a member of cluster \"")
                + settings.clusterName()
                + "\" at "
                + settings.joinAddresses()
                + ": "
                + e,
            e);
      }
      Dispatcher dispatcher =
          new Dispatcher(
              name,
              settings.clusterName(),
              hz,
              valueCodec,
              settings.values().codec(),
              keys,
              settings.failureDetection(),
              noMemberTimeout,
              window,
              () -> {
                if (hz.getLifecycleService().isRunning()) {
                  hz.getLifecycleService().shutdown();
                }
              });
      ClusterPool pool = new ClusterPool(name, valueCodec, hz, dispatcher, closeTimeout);
      try {
        dispatcher.start();
        while (dispatcher.memberCount() < awaitMembers) {
          if (System.nanoTime() - deadline > 0) {
            throw new WorkerStartException(
                "pool "
                    + name
                    + " saw "
                    + dispatcher.memberCount()
                    + " member(s) that run tasks in cluster \""
                    + settings.clusterName()
                    + "\" within "
                    + startupTimeout
                    + ", not the "
                    + awaitMembers
                    + " awaited; start them with ClusterMember or lower awaitMembers");
          }
          Blocking.call(
              () -> {
                Thread.sleep(20);
                return null;
              });
        }
      } catch (InterruptedException | RuntimeException e) {
        pool.shutdownNow();
        hz.getLifecycleService().terminate();
        throw e;
      }
      LOG.info(
          "pool {}: {} of cluster \"{}\", {} member(s) {}",
          name,
          client ? "client" : "member " + pool.localMemberAddress(),
          settings.clusterName(),
          pool.memberCount(),
          pool.memberAddresses());
      return pool;
    }
  }
}
