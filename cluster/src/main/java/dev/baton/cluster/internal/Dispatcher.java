package dev.baton.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.ExecutionCallback;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.baton.cluster.MemberLostException;
import dev.baton.process.ProcessPoolException;
import dev.baton.process.internal.Answers;
import dev.baton.process.internal.ValueCodec;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster pool's scheduler: a queue of tasks in the caller, sent to members with a free slot.
 * See {@code dev.baton.cluster.ClusterPool} for the semantics it gives.
 */
public final class Dispatcher implements MembershipListener {
  /*
   * Scheduling: tasks wait in `queue`, in the caller. A member takes part when it carries the
   * SLOTS attribute (a Baton member) and is not a lite member; it is sent at most SLOTS tasks at
   * once, each with submitToMember, so every task a member holds is one it is running (or one on
   * its way to a free thread). A member that joins gets the next tasks at once; a member that
   * finishes a task gets the next one; the queue is never handed to Hazelcast's partition-based
   * placement, which would send work to a member only once partitions have migrated to it.
   *
   * Failure: a member that leaves (membership event) or whose invocations fail with a member-left
   * or target-disconnected exception loses the tasks it held. A task whose invocation was refused
   * with target-not-member never left this JVM: it goes back to the front of the queue and costs
   * no retry. Of the tasks a lost member held, each
   * with retries left goes back to the front of the queue (at least once: it may have run, or be
   * running still, on a member that was only unreachable); every other fails with
   * MemberLostException naming the member (at most once). A member whose invocation failed that
   * way is taken out of the rotation at once, before Hazelcast's failure detector has removed
   * it, so that a retry does not go back to it; it comes back after the failure-detection timeout
   * if it is still a member by then.
   *
   * Concurrency: all state below is guarded by `lock`. Invocations are made, and futures
   * completed, outside it: Hazelcast may answer on the calling thread, and a user's dependent
   * stage must not run under the pool's lock. A task's `attempt` tells a stale answer (from a
   * member it was taken from) from the live one.
   */

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final String poolName;
  private final String clusterName;
  private final HazelcastInstance hazelcast;
  private final IExecutorService executor;
  private final ValueCodec codec;
  private final Duration suspicion;
  private final Duration noMemberTimeout;
  private final ScheduledExecutorService timer;
  private final ExecutorService callbacks;
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong retried = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();

  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Job> queue = new ArrayDeque<>();
  private final Map<UUID, Slot> members = new LinkedHashMap<>();
  private final Map<UUID, Long> suspects = new LinkedHashMap<>();
  private long noMemberSince;
  private int rotation;
  private boolean shutdown;
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final Runnable onTerminate;

  /**
   * @param poolName the pool's name, for messages and logs
   * @param clusterName the cluster's name, for messages
   * @param hazelcast the member or client the pool runs through
   * @param codec the caller's codec, for results and exceptions
   * @param suspicion how long a member whose invocation failed stays out of the rotation
   * @param noMemberTimeout how long queued tasks wait when no member can run them before they fail
   * @param onTerminate runs once, on the pool's timer thread, when the pool has terminated
   */
  public Dispatcher(
      String poolName,
      String clusterName,
      HazelcastInstance hazelcast,
      ValueCodec codec,
      Duration suspicion,
      Duration noMemberTimeout,
      Runnable onTerminate) {
    this.poolName = poolName;
    this.clusterName = clusterName;
    this.hazelcast = hazelcast;
    this.executor = hazelcast.getExecutorService(Settings.EXECUTOR);
    this.codec = codec;
    this.suspicion = suspicion;
    this.noMemberTimeout = noMemberTimeout;
    this.onTerminate = onTerminate;
    AtomicLong callbackSeq = new AtomicLong();
    this.callbacks =
        Executors.newCachedThreadPool(
            r -> {
              Thread t =
                  new Thread(
                      r,
                      "baton-cluster-" + poolName + "-callbacks-" + callbackSeq.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "baton-cluster-" + poolName + "-timer");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts listening to membership and takes in the members present now. */
  public void start() {
    hazelcast.getCluster().addMembershipListener(this);
    List<Runnable> sends;
    lock.lock();
    try {
      for (Member m : hazelcast.getCluster().getMembers()) {
        admitLocked(m);
      }
      noMemberSince = System.nanoTime();
      sends = dispatchLocked();
    } finally {
      lock.unlock();
    }
    sends.forEach(Runnable::run);
    timer.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
  }

  /**
   * @return how many Baton members the pool sends tasks to now
   */
  public int memberCount() {
    lock.lock();
    try {
      return members.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the addresses of the members the pool sends tasks to now, in the order they joined
   */
  public List<String> memberAddresses() {
    lock.lock();
    try {
      return members.values().stream().map(s -> s.name).toList();
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return how many tasks the members the pool sends to can run at once
   */
  public int slots() {
    lock.lock();
    try {
      return Math.max(1, members.values().stream().mapToInt(s -> s.slots).sum());
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return how many times a task was sent again because its member was lost
   */
  public long tasksRetried() {
    return retried.get();
  }

  /**
   * @return how many tasks failed because their member was lost
   */
  public long tasksLost() {
    return lost.get();
  }

  /**
   * @return the future completed once the pool has shut down, drained and released its instance
   */
  public CompletableFuture<Void> terminationFuture() {
    return terminated;
  }

  /**
   * Queues a task.
   *
   * @param task the task
   * @param retries how many losses of its member it survives
   * @return its future, or null when the pool is shut down
   */
  public CompletableFuture<Object> submit(MemberTask task, int retries) {
    Job job = new Job(ids.incrementAndGet(), task, retries);
    List<Runnable> sends;
    lock.lock();
    try {
      if (shutdown) {
        return null;
      }
      queue.addLast(job);
      sends = dispatchLocked();
    } finally {
      lock.unlock();
    }
    sends.forEach(Runnable::run);
    return job.future;
  }

  /**
   * Stops accepting tasks; the pool terminates once nothing is queued or running.
   *
   * @param cancelQueued whether queued tasks are cancelled
   */
  public void shutdown(boolean cancelQueued) {
    List<Job> cancelled = new ArrayList<>();
    lock.lock();
    try {
      shutdown = true;
      if (cancelQueued) {
        cancelled.addAll(queue);
        queue.clear();
      }
    } finally {
      lock.unlock();
    }
    cancelled.forEach(j -> j.future.cancel(false));
    poke();
  }

  /** Stops accepting tasks, cancels every queued and running task, and terminates now. */
  public void shutdownNow() {
    List<Job> cancelled = new ArrayList<>();
    lock.lock();
    try {
      shutdown = true;
      cancelled.addAll(queue);
      queue.clear();
      for (Slot s : members.values()) {
        cancelled.addAll(s.running);
        s.running.clear();
      }
    } finally {
      lock.unlock();
    }
    cancelled.forEach(j -> j.future.cancel(false));
    poke();
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    List<Runnable> sends;
    lock.lock();
    try {
      admitLocked(event.getMember());
      sends = dispatchLocked();
    } finally {
      lock.unlock();
    }
    sends.forEach(Runnable::run);
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    Member m = event.getMember();
    List<Runnable> completions = new ArrayList<>();
    List<Runnable> sends;
    lock.lock();
    try {
      suspects.remove(m.getUuid());
      Slot slot = members.remove(m.getUuid());
      if (slot != null) {
        loseLocked(slot, new ArrayList<>(slot.running), "left the cluster", null, completions);
        LOG.info(
            "pool {}: member {} left; {} member(s) remain", poolName, slot.name, members.size());
      }
      sends = dispatchLocked();
    } finally {
      lock.unlock();
    }
    completions.forEach(this::completeLater);
    sends.forEach(Runnable::run);
  }

  /**
   * Completes a task's future on the pool's callback threads, never on a Hazelcast thread: the
   * result is decoded there, and a dependent stage that blocks, even on this pool, blocks no thread
   * of Hazelcast's. The threads grow when all are busy and end once idle.
   */
  private void completeLater(Runnable completion) {
    try {
      callbacks.execute(completion);
    } catch (RejectedExecutionException e) {
      completion.run(); // terminated: the caller's thread completes what is left
    }
  }

  private void admitLocked(Member m) {
    if (members.containsKey(m.getUuid()) || suspects.containsKey(m.getUuid())) {
      return;
    }
    String slots = m.getAttribute(Settings.SLOTS);
    if (m.isLiteMember() || slots == null) {
      LOG.info(
          "pool {}: member {} runs no Baton executor (lite, or not started by Baton): no tasks"
              + " go to it",
          poolName,
          m.getAddress());
      return;
    }
    Slot slot = new Slot(m, Integer.parseInt(slots));
    members.put(m.getUuid(), slot);
    LOG.info(
        "pool {}: member {} joined ({} slot(s), pid {}); {} member(s)",
        poolName,
        slot.name,
        slot.slots,
        m.getAttribute(Settings.PID),
        members.size());
  }

  /** Assigns queued tasks to free slots; returns the sends, to run outside the lock. */
  private List<Runnable> dispatchLocked() {
    List<Runnable> sends = new ArrayList<>();
    List<Slot> all = new ArrayList<>(members.values());
    while (!queue.isEmpty()) {
      // the member with the most free slots; ties go round the members in turn
      Slot best = null;
      for (int i = 0; i < all.size(); i++) {
        Slot s = all.get((rotation + i) % all.size());
        int free = s.slots - s.running.size();
        if (free > 0 && (best == null || free > best.slots - best.running.size())) {
          best = s;
        }
      }
      if (best == null) {
        break;
      }
      rotation = (all.indexOf(best) + 1) % all.size();
      Job job = queue.pollFirst();
      job.slot = best;
      int attempt = ++job.attempt;
      best.running.add(job);
      Slot target = best;
      sends.add(() -> send(job, target, attempt));
    }
    if (!members.isEmpty()) {
      noMemberSince = System.nanoTime();
    }
    return sends;
  }

  private void send(Job job, Slot slot, int attempt) {
    try {
      executor.submitToMember(
          job.task,
          slot.member,
          new ExecutionCallback<byte[]>() {
            @Override
            public void onResponse(byte[] reply) {
              answered(job, slot, attempt, reply, null);
            }

            @Override
            public void onFailure(Throwable t) {
              answered(job, slot, attempt, null, t);
            }
          });
    } catch (RuntimeException e) {
      answered(job, slot, attempt, null, e);
    }
  }

  private void answered(Job job, Slot slot, int attempt, byte[] reply, Throwable failure) {
    List<Runnable> completions = new ArrayList<>();
    List<Runnable> sends;
    boolean mine;
    lock.lock();
    try {
      mine = job.attempt == attempt && job.slot == slot && slot.running.remove(job);
      if (mine) {
        job.slot = null;
        boolean notSent = failure != null && notSent(failure);
        if (notSent || (failure != null && memberLost(failure))) {
          mine = false; // handled here: the member is lost, with every task it held
          boolean removed = members.remove(slot.member.getUuid()) != null;
          if (removed) {
            suspects.put(slot.member.getUuid(), System.nanoTime() + suspicion.toNanos());
          }
          if (notSent) {
            queue.addFirst(job); // it never left this JVM: sending it elsewhere costs no retry
          }
          if (removed) {
            List<Job> held = new ArrayList<>(slot.running);
            if (!notSent) {
              held.add(0, job);
            }
            String cause = "became unreachable (" + failure.getClass().getSimpleName() + ")";
            loseLocked(slot, held, cause, failure, completions);
            LOG.info(
                "pool {}: member {} {}; {} member(s) remain",
                poolName,
                slot.name,
                cause,
                members.size());
          } else if (!notSent) {
            loseLocked(slot, List.of(job), "left the cluster", failure, completions);
          }
        }
      }
      sends = dispatchLocked();
    } finally {
      lock.unlock();
    }
    completions.forEach(this::completeLater);
    sends.forEach(Runnable::run);
    if (mine) {
      if (failure != null) {
        completeLater(
            () ->
                job.future.completeExceptionally(
                    new ProcessPoolException(
                        "task " + job.id + " could not run on member " + slot.name + ": " + failure,
                        failure)));
      } else {
        completeLater(() -> complete(job, slot, reply));
      }
    }
    if (shutdown) {
      poke();
    }
  }

  /** Requeues the tasks with retries left, fails the others; completions run outside the lock. */
  private void loseLocked(
      Slot slot, List<Job> held, String why, Throwable cause, List<Runnable> completions) {
    slot.running.removeAll(held);
    for (int i = held.size() - 1; i >= 0; i--) {
      Job job = held.get(i);
      job.slot = null;
      if (job.future.isDone()) {
        continue;
      }
      if (job.retriesLeft > 0) {
        job.retriesLeft--;
        retried.incrementAndGet();
        queue.addFirst(job);
        LOG.info("pool {}: task {} runs again, its member {} {}", poolName, job.id, slot.name, why);
      } else {
        lost.incrementAndGet();
        MemberLostException e =
            new MemberLostException(
                "member "
                    + slot.name
                    + " (pid "
                    + slot.pidText()
                    + ") "
                    + why
                    + " while it held task "
                    + job.id
                    + " of pool "
                    + poolName
                    + "; the task may or may not have run: submit it with submitRetryable to"
                    + " run it again on another member",
                slot.name,
                slot.member.getUuid(),
                slot.pid());
        if (cause != null) {
          e.initCause(cause);
        }
        completions.add(() -> job.future.completeExceptionally(e));
      }
    }
  }

  /** The member may have run the task: it left, or the connection to it broke, after the send. */
  private static boolean memberLost(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof MemberLeftException || c instanceof TargetDisconnectedException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The invocation was refused before it left: its target was no longer a member when it was made
   * (a target invocation is not retried after a member-left answer, so this is never a second try).
   */
  private static boolean notSent(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof TargetNotMemberException) {
        return true;
      }
    }
    return false;
  }

  private void complete(Job job, Slot slot, byte[] reply) {
    boolean ok = reply.length > 0 && reply[0] == MemberTask.OK;
    byte[] body = reply.length == 0 ? reply : Arrays.copyOfRange(reply, 1, reply.length);
    Answers.complete(
        job.future, codec, ok, body, job.id, new Answers.Where("member", slot.name, "on"));
  }

  /** Runs {@link #tick} soon, unless the pool has terminated (a late answer, a second shutdown). */
  private void poke() {
    try {
      timer.execute(this::tick);
    } catch (RejectedExecutionException e) {
      // terminated: nothing is left to check
    }
  }

  /** Every 250 ms and after a shutdown: re-admits suspects, bounds waits, terminates. */
  private void tick() {
    List<Runnable> sends = List.of();
    List<Job> starved = new ArrayList<>();
    boolean terminate = false;
    lock.lock();
    try {
      if (terminated.isDone()) {
        return;
      }
      long now = System.nanoTime();
      if (!suspects.isEmpty()) {
        List<UUID> due = new ArrayList<>();
        suspects.forEach(
            (uuid, until) -> {
              if (now - until >= 0) {
                due.add(uuid);
              }
            });
        due.forEach(suspects::remove);
        if (!due.isEmpty() && hazelcast.getLifecycleService().isRunning()) {
          for (Member m : hazelcast.getCluster().getMembers()) {
            if (due.contains(m.getUuid())) {
              admitLocked(m);
            }
          }
        }
        sends = dispatchLocked();
      }
      if (members.isEmpty()
          && !queue.isEmpty()
          && now - noMemberSince > noMemberTimeout.toNanos()) {
        starved.addAll(queue);
        queue.clear();
      }
      if (shutdown
          && queue.isEmpty()
          && members.values().stream().allMatch(s -> s.running.isEmpty())) {
        terminate = true;
      }
    } finally {
      lock.unlock();
    }
    for (Job j : starved) {
      completeLater(
          () ->
              j.future.completeExceptionally(
                  new ProcessPoolException(
                      "task "
                          + j.id
                          + " of pool "
                          + poolName
                          + " found no Baton member to run it for "
                          + noMemberTimeout.toSeconds()
                          + " s; start a member (ClusterMember) in cluster \""
                          + clusterName
                          + "\"")));
    }
    sends.forEach(Runnable::run);
    if (terminate) {
      try {
        onTerminate.run();
      } catch (RuntimeException e) {
        LOG.warn("pool {}: releasing its Hazelcast instance failed", poolName, e);
      } finally {
        timer.shutdown();
        callbacks.shutdown(); // completions already handed over still run
        try {
          // bounded: a callback that waits for this pool's termination must not hold it forever
          if (!callbacks.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("pool {}: callbacks still running 30 s after shutdown", poolName);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        terminated.complete(null);
      }
    }
  }

  /** One member the pool sends tasks to. */
  private static final class Slot {
    final Member member;
    final String name;
    final int slots;

    /** The tasks sent to it and not answered; guarded by the dispatcher's lock. */
    final Set<Job> running = new LinkedHashSet<>();

    Slot(Member member, int slots) {
      this.member = member;
      this.name = member.getAddress().getHost() + ":" + member.getAddress().getPort();
      this.slots = Math.max(1, slots);
    }

    long pid() {
      try {
        String pid = member.getAttribute(Settings.PID);
        return pid == null ? -1 : Long.parseLong(pid);
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    String pidText() {
      long pid = pid();
      return pid < 0 ? "unknown" : Long.toString(pid);
    }
  }

  /** A task and where it is; its fields are guarded by the dispatcher's lock. */
  private final class Job {
    final long id;
    final MemberTask task;
    final CompletableFuture<Object> future;
    int retriesLeft;
    int attempt;
    Slot slot;

    Job(long id, MemberTask task, int retries) {
      this.id = id;
      this.task = task;
      this.retriesLeft = retries;
      this.future = new JobFuture(this);
    }
  }

  /** A task's future: cancelling it takes the task out of the queue, if it is still there. */
  private final class JobFuture extends CompletableFuture<Object> {
    private final Job job;

    JobFuture(Job job) {
      this.job = job;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        lock.lock();
        try {
          queue.remove(job);
        } finally {
          lock.unlock();
        }
      }
      return cancelled;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
      return new CompletableFuture<>();
    }
  }
}
