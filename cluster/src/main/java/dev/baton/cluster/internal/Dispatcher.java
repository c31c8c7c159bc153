package dev.baton.cluster.internal;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.spi.exception.TargetDisconnectedException;
import com.hazelcast.spi.exception.TargetNotMemberException;
import dev.baton.cluster.MemberLostException;
import dev.baton.process.Codec;
import dev.baton.process.PoolException;
import dev.baton.process.internal.Answers;
import dev.baton.process.internal.CallDeadline;
import dev.baton.process.internal.PoolCalls;
import dev.baton.process.internal.PoolJob;
import dev.baton.process.internal.PoolScheduler;
import dev.baton.process.internal.TaskFate;
import dev.baton.process.internal.ValueCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster pool's scheduler: a queue of tasks in the caller, sent to members with a free slot.
 * See {@code dev.baton.cluster.ClusterPool} for the semantics it gives. The queue, the lock, the
 * callback threads, the life cycle and what becomes of a task its member let go of are {@link
 * PoolScheduler}'s; this class adds the members.
 */
public final class Dispatcher extends PoolScheduler<Dispatcher.Job, Dispatcher.Loss>
    implements MembershipListener {
  /*
   * Members: which members take part (Baton members only, proved against the secret, suspects
   * kept out for a while) is MemberRoster's; see its comment. `members` holds the ones it seated.
   *
   * Scheduling: tasks wait in `queue`, in the caller. A member is sent at most SLOTS * window
   * tasks at once, each with submitToMember: a thread's next task is already on the member when it
   * finishes one, so a member does not idle for a round trip between two tasks (window 1: every
   * task a member holds is one it is running). The chunks of one map (a `group`) that wait in the
   * queue, BATCH_FROM or more per free place of the members, go in batches: one invocation carries
   * queue / free places of them (at most BATCH_MAX) and runs them one after the other on one
   * member thread, so Hazelcast's cost per invocation is paid once per batch. A batch takes one
   * place of its member's window (`Slot.inFlight` counts invocations); a task submitted alone
   * (submit, apply, an imap chunk) always travels alone, so cancel(true) interrupts it only.
   *
   * A member that joins gets the next tasks at once; a member that
   * finishes a task gets the next one; the queue is never handed to Hazelcast's partition-based
   * placement, which would send work to a member only once partitions have migrated to it.
   *
   * Failure: a member that leaves (membership event) or whose invocations fail with a member-left
   * or target-disconnected exception loses the tasks it held. A task whose invocation was refused
   * with target-not-member never left this JVM: its fate is NEVER_STARTED, it goes back to the
   * front of the queue and costs no retry. Every task a lost member held MAY_HAVE_RUN: each with
   * retries left goes back to the front of the queue (at least once: it may have run, or be
   * running still, on a member that was only unreachable); every other fails with
   * MemberLostException naming the member (at most once). A member whose invocation failed that
   * way is taken out of the rotation at once, a suspect of the roster's. With a secret, an answer
   * without the tag its member had to give it is never decoded (`verified`): that member is lost
   * the same way, and refused.
   *
   * Cancellation: cancel(true), a caller's deadline and shutdownNow withdraw a running task: its
   * slot is free at once, and Hazelcast's future for it is cancelled, which reaches the member and
   * interrupts the thread running it; its late answer is ignored (its attempt is stale). A
   * deadline's failure, like every completion of a caller's future, runs on the callback threads,
   * not on the timer thread that noticed it: a dependent stage that blocks there would hold up
   * every other deadline, the suspects' return and termination.
   *
   * Concurrency: all state below, and the roster's, is guarded by `lock`. Invocations are made
   * outside it: Hazelcast may answer on the calling thread. An answer arrives on a Hazelcast
   * thread, which may make no remote call: the sends it frees run on the callback threads. A task's
   * `attempt` tells a stale answer (from a member it was taken from) from the live one.
   */

  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  /** The failures of an invocation that mean its member is lost to the pool ({@link #causedBy}). */
  private static final Class<?>[] MEMBER_LOST = {
    MemberLeftException.class, TargetDisconnectedException.class, TargetNotMemberException.class
  };

  private final String poolName;
  private final String clusterName;
  private final HazelcastInstance hazelcast;
  private final IExecutorService executor;
  private final ValueCodec codec;
  private final Codec codecKind;
  private final ClusterKeys keys;
  private final UUID poolId;
  private final Duration noMemberTimeout;
  private final int window;
  private final MemberRoster roster;

  /** The members the roster seated, in the order they joined. */
  private final Map<UUID, Slot> members = new LinkedHashMap<>();

  private long noMemberSince;
  private int rotation;

  /** Cancels of withdrawn tasks not yet made on their members; termination waits for them. */
  private int cancelling;

  private final Runnable onTerminate;

  /**
   * @param poolName the pool's name, for messages and logs
   * @param clusterName the cluster's name, for messages
   * @param hazelcast the member or client the pool runs through
   * @param codec the caller's codec, for results and exceptions
   * @param codecKind its kind, which tasks name
   * @param keys the cluster's keys, or null without a secret
   * @param suspicion how long a member whose invocation failed stays out of the rotation
   * @param noMemberTimeout how long queued tasks wait when no member can run them before they fail
   * @param window tasks in flight per task thread of a member, {@code >= 1}
   * @param onTerminate runs once, on the pool's timer thread, when the pool has terminated
   */
  public Dispatcher(
      String poolName,
      String clusterName,
      HazelcastInstance hazelcast,
      ValueCodec codec,
      Codec codecKind,
      ClusterKeys keys,
      Duration suspicion,
      Duration noMemberTimeout,
      int window,
      Runnable onTerminate) {
    super("baton-cluster-" + poolName);
    this.window = window;
    this.poolName = poolName;
    this.clusterName = clusterName;
    this.hazelcast = hazelcast;
    this.executor = hazelcast.getExecutorService(Settings.EXECUTOR);
    this.codec = codec;
    this.codecKind = codecKind;
    this.keys = keys;
    this.poolId = UUID.randomUUID();
    this.roster = new MemberRoster(poolName, keys, suspicion, lock, new Seats());
    this.noMemberTimeout = noMemberTimeout;
    this.onTerminate = onTerminate;
  }

  /**
   * @param kind the task kind
   * @param functionId the function's id in this pool, or 0
   * @param code the task or function
   * @param values the arguments, or null
   * @return the task, signed when the cluster has a secret
   */
  public MemberTask task(byte kind, long functionId, byte[] code, byte[] values) {
    return new MemberTask(codecKind, kind, poolId, functionId, code, values, keys);
  }

  /** Starts listening to membership and takes in the members present now. */
  public void start() {
    hazelcast.getCluster().addMembershipListener(this);
    List<Runnable> sends = new ArrayList<>();
    lock.lock();
    try {
      for (Member m : hazelcast.getCluster().getMembers()) {
        roster.admitLocked(m, sends);
      }
      noMemberSince = System.nanoTime();
      sends.addAll(dispatchLocked());
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
    return retriedCount();
  }

  /**
   * @return how many tasks failed because their member was lost
   */
  public long tasksLost() {
    return lostCount();
  }

  /**
   * Queues a task.
   *
   * @param task the task
   * @param retries how many losses of its member it survives
   * @param exposed whether its future goes to the caller; one that does not completes with a {@link
   *     PoolCalls.Undecoded} answer, decoded by the waiting thread
   * @return its future, or null when the pool is shut down
   */
  public CompletableFuture<Object> submit(MemberTask task, int retries, boolean exposed) {
    Job job = new Job(nextId(), task, retries, exposed, null);
    return enqueue(List.of(job)) ? job.future : null;
  }

  /**
   * Queues the chunks of one call, which may travel in batches; their futures are the pool's.
   *
   * @param tasks the tasks
   * @return their futures, or null when the pool is shut down
   */
  public List<CompletableFuture<Object>> submitAll(List<MemberTask> tasks) {
    Object group = new Object();
    List<Job> jobs = new ArrayList<>(tasks.size());
    List<CompletableFuture<Object>> futures = new ArrayList<>(tasks.size());
    for (MemberTask t : tasks) {
      Job job = new Job(nextId(), t, 0, false, group);
      jobs.add(job);
      futures.add(job.future);
    }
    return enqueue(jobs) ? futures : null;
  }

  private boolean enqueue(List<Job> jobs) {
    List<Runnable> sends;
    lock.lock();
    try {
      if (!isOpenLocked()) {
        return false;
      }
      queue.addAll(jobs);
      sends = dispatchLocked();
    } finally {
      lock.unlock();
    }
    sends.forEach(Runnable::run);
    return true;
  }

  /** Stops accepting tasks, cancels every queued and running task, and terminates now. */
  public void shutdownNow() {
    List<Job> cancelled = new ArrayList<>();
    lock.lock();
    try {
      cancelled.addAll(stopLocked(true));
      for (Slot s : members.values()) {
        cancelled.addAll(s.running);
      }
      tryTerminateLocked();
    } finally {
      lock.unlock();
    }
    cancelled.forEach(j -> j.future.cancel(true));
  }

  @Override
  protected Job taskOf(CompletableFuture<Object> future) {
    return future instanceof JobFuture f ? f.job : null;
  }

  @Override
  protected String takeBackLocked(Job job) {
    withdrawLocked(job);
    return "it was taken back from pool "
        + poolName
        + " (a member running it was asked to interrupt"
        + " it)";
  }

  /**
   * Takes a task back: out of the queue, or from the member running it, whose slot is free at once
   * and which is asked, from a callback thread, to interrupt it.
   */
  private void withdrawLocked(Job job) {
    if (!queue.remove(job) && job.slot != null) {
      job.slot.running.remove(job);
      leaveSendLocked(job);
      job.slot = null;
      Future<?> remote = job.remote;
      if (remote != null) {
        cancelling++;
        completions.execute(() -> cancelRemote(job, remote));
      }
    }
    sendLater(dispatchLocked());
    tryTerminateLocked();
  }

  private void cancelRemote(Job job, Future<?> remote) {
    try {
      remote.cancel(true); // reaches the member: Hazelcast interrupts the task's thread there
    } catch (RuntimeException e) {
      LOG.debug(
          "pool {}: cancelling task {} on its member failed: {}", poolName, job.id, e.toString());
    } finally {
      lock.lock();
      try {
        cancelling--;
        tryTerminateLocked();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * @param timeout how long the call may take, from now
   * @param call what the caller called, for messages
   * @return a caller's deadline over the tasks of one call
   */
  public PoolCalls.Deadline deadline(Duration timeout, String call) {
    return new CallDeadline(this, timeout, call);
  }

  @Override
  public void memberAdded(MembershipEvent event) {
    List<Runnable> sends = new ArrayList<>();
    lock.lock();
    try {
      roster.admitLocked(event.getMember(), sends);
      sends.addAll(dispatchLocked());
    } finally {
      lock.unlock();
    }
    sends.forEach(Runnable::run);
  }

  @Override
  public void memberRemoved(MembershipEvent event) {
    Member m = event.getMember();
    List<Runnable> sends;
    lock.lock();
    try {
      roster.forgetLocked(m.getUuid());
      Slot slot = members.remove(m.getUuid());
      if (slot != null) {
        loseLocked(slot, new ArrayList<>(slot.running), "left the cluster", null);
        LOG.info(
            "pool {}: member {} left; {} member(s) remain", poolName, slot.name, members.size());
      }
      sends = dispatchLocked();
      tryTerminateLocked();
    } finally {
      lock.unlock();
    }
    sends.forEach(Runnable::run);
  }

  /** The scheduler's side of the roster: a member it admitted gets its slot here. */
  private final class Seats implements MemberRoster.Seats {
    @Override
    public boolean seatedLocked(UUID member) {
      return members.containsKey(member);
    }

    @Override
    public void seatLocked(Member m, int slots) {
      Slot slot = new Slot(m, slots);
      members.put(m.getUuid(), slot);
      LOG.info(
          "pool {}: member {} joined ({} slot(s), pid {}); {} member(s)",
          poolName,
          slot.name,
          slot.slots,
          m.getAttribute(Settings.PID),
          members.size());
    }

    @Override
    public List<Runnable> dispatchLocked() {
      return Dispatcher.this.dispatchLocked();
    }

    @Override
    public void sendLater(List<Runnable> sends) {
      Dispatcher.this.sendLater(sends);
    }

    @Override
    public CompletionStage<byte[]> challenge(Member m, byte[] nonce) {
      MemberTask proof = task(MemberTask.PROVE, 0, new byte[0], nonce);
      return stage(executor.submitToMember(proof, m));
    }

    @Override
    public Collection<Member> presentLocked() {
      return hazelcast.getLifecycleService().isRunning()
          ? hazelcast.getCluster().getMembers()
          : List.of();
    }
  }

  /**
   * Runs sends on the callback threads: an answer arrives on one of Hazelcast's response threads,
   * which may not make a remote call.
   */
  private void sendLater(List<Runnable> sends) {
    if (!sends.isEmpty()) {
      completions.execute(() -> sends.forEach(Runnable::run));
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> CompletionStage<T> stage(Future<T> f) {
    if (f instanceof CompletionStage<?> s) {
      return (CompletionStage<T>) s;
    }
    throw new IllegalStateException(
        "Hazelcast's executor returned a " + f.getClass().getName() + ", not a CompletionStage");
  }

  /** Assigns queued tasks to free slots; returns the sends, to run outside the lock. */
  private List<Runnable> dispatchLocked() {
    List<Runnable> sends = new ArrayList<>();
    List<Slot> all = new ArrayList<>(members.values());
    int totalFree = 0;
    for (Slot s : all) {
      totalFree += Math.max(0, s.slots * window - s.inFlight);
    }
    while (!queue.isEmpty()) {
      // the member with the most free places; ties go round the members in turn
      Slot best = null;
      for (int i = 0; i < all.size(); i++) {
        Slot s = all.get((rotation + i) % all.size());
        int free = s.slots * window - s.inFlight;
        if (free > 0 && (best == null || free > best.slots * window - best.inFlight)) {
          best = s;
        }
      }
      if (best == null) {
        break;
      }
      rotation = (all.indexOf(best) + 1) % all.size();
      Job head = queue.peekFirst();
      // batches only when many chunks wait per free place: chunks that are few are large
      int perPlace = queue.size() / Math.max(1, totalFree);
      int size = head.group == null || perPlace < BATCH_FROM ? 1 : Math.min(BATCH_MAX, perPlace);
      List<Job> batch = new ArrayList<>(size);
      while (batch.size() < size && !queue.isEmpty() && queue.peekFirst().group == head.group) {
        batch.add(queue.pollFirst());
      }
      Send send = new Send(batch);
      int[] attempts = new int[batch.size()];
      for (int k = 0; k < batch.size(); k++) {
        Job job = batch.get(k);
        job.slot = best;
        job.send = send;
        attempts[k] = ++job.attempt;
        best.running.add(job);
      }
      best.inFlight++;
      Slot target = best;
      sends.add(() -> send(batch, target, attempts));
    }
    if (!members.isEmpty()) {
      noMemberSince = System.nanoTime();
    }
    return sends;
  }

  /** A job leaves its slot: the slot's invocation ends with the last job of its batch. */
  private void leaveSendLocked(Job job) {
    Send send = job.send;
    if (send != null && job.slot != null) {
      job.send = null;
      if (--send.open == 0) {
        job.slot.inFlight--;
      }
    }
  }

  /**
   * Sends one invocation: a task alone, or a batch of chunks run one after the other on one member
   * thread. A task taken back while it was being sent has its invocation cancelled at once; the
   * answer of a batch is split into its tasks' answers.
   */
  private void send(List<Job> jobs, Slot slot, int[] attempts) {
    Future<byte[]> remote;
    try {
      if (jobs.size() == 1) {
        remote = executor.submitToMember(jobs.getFirst().task, slot.member);
      } else {
        List<MemberTask> tasks = new ArrayList<>(jobs.size());
        jobs.forEach(j -> tasks.add(j.task));
        remote = executor.submitToMember(new MemberBatch(tasks), slot.member);
      }
    } catch (RuntimeException e) {
      for (int k = 0; k < jobs.size(); k++) {
        answered(jobs.get(k), slot, attempts[k], null, e);
      }
      return;
    }
    boolean withdrawn = false;
    lock.lock();
    try {
      for (int k = 0; k < jobs.size(); k++) {
        Job job = jobs.get(k);
        if (job.attempt != attempts[k] || job.slot != slot) {
          withdrawn = true;
        } else {
          job.remote = remote;
        }
      }
    } finally {
      lock.unlock();
    }
    if (withdrawn) {
      remote.cancel(true); // one of its tasks was taken back while it was being sent
    }
    stage(remote)
        .whenCompleteAsync(
            (reply, failure) -> {
              byte[][] replies = null;
              if (failure == null && jobs.size() == 1) {
                replies = new byte[][] {reply};
              } else if (failure == null) {
                try {
                  replies = MemberBatch.split(reply, jobs.size());
                } catch (IllegalArgumentException e) {
                  replies = new byte[jobs.size()][]; // no answer verifies: its member is lost
                  Arrays.fill(replies, new byte[0]);
                }
              }
              for (int k = 0; k < jobs.size(); k++) {
                answered(
                    jobs.get(k), slot, attempts[k], replies == null ? null : replies[k], failure);
              }
            },
            DIRECT);
  }

  /**
   * @return the reply without its tag when the cluster has no secret or the tag is the one the
   *     member had to give it, else null
   */
  private byte[] verified(Job job, Slot slot, byte[] reply) {
    if (keys == null) {
      return reply;
    }
    if (reply == null || reply.length <= ClusterKeys.TAG) {
      return null;
    }
    byte[] body = Arrays.copyOfRange(reply, ClusterKeys.TAG, reply.length);
    byte[] expected = keys.signAnswer(slot.member.getUuid(), job.task.tag(), body);
    return ClusterKeys.same(expected, Arrays.copyOf(reply, ClusterKeys.TAG)) ? body : null;
  }

  private void answered(Job job, Slot slot, int attempt, byte[] signed, Throwable failure) {
    byte[] reply = failure == null ? verified(job, slot, signed) : null;
    boolean forged = failure == null && reply == null;
    boolean undecoded = false;
    List<Runnable> sends;
    lock.lock();
    try {
      boolean mine = job.attempt == attempt && job.slot == slot && slot.running.remove(job);
      if (mine) {
        leaveSendLocked(job);
        job.slot = null;
      }
      if (mine && forged) { // never decoded: its member is lost, with every task it held
        members.remove(slot.member.getUuid());
        roster.refuseLocked(slot.member.getUuid());
        String cause = "sent an answer without this cluster's tag (it does not hold the secret)";
        loseMemberLocked(slot, job, cause, null);
        LOG.warn(
            "pool {}: member {} {}; no more tasks go to it; {} member(s) remain",
            poolName,
            slot.name,
            cause,
            members.size());
      } else if (mine && failure != null && causedBy(failure, MEMBER_LOST)) {
        boolean notSent = causedBy(failure, TargetNotMemberException.class);
        if (notSent) { // it never left this JVM: sending it elsewhere costs no retry
          settleLocked(job, fateOf(job, TaskFate.NEVER_STARTED), true, null);
        }
        if (members.remove(slot.member.getUuid()) != null) {
          roster.suspectLocked(slot.member.getUuid());
          String cause = "became unreachable (" + failure.getClass().getSimpleName() + ")";
          loseMemberLocked(slot, notSent ? null : job, cause, failure);
          LOG.info(
              "pool {}: member {} {}; {} member(s) remain",
              poolName,
              slot.name,
              cause,
              members.size());
        } else if (!notSent) { // its member left already, with the other tasks it held
          loseLocked(slot, List.of(job), "left the cluster", failure);
        }
      } else if (mine && failure != null) {
        failLocked(
            job,
            new PoolException(
                "task " + job.id + " could not run on member " + slot.name + ": " + failure,
                failure));
      } else if (mine && job.exposed) {
        completeLocked(job, () -> new Reply(job, slot.name, reply).complete());
      } else if (mine) {
        undecoded = true;
      }
      sends = dispatchLocked();
      tryTerminateLocked();
    } finally {
      lock.unlock();
    }
    if (undecoded) {
      job.future.complete(new Reply(job, slot.name, reply)); // the waiting thread decodes it
    }
    sendLater(sends);
  }

  /**
   * Settles every task a member held, {@code first} (the task whose answer told, or null) first,
   * the member being out of the rotation.
   */
  private void loseMemberLocked(Slot slot, Job first, String why, Throwable cause) {
    List<Job> held = new ArrayList<>(slot.running);
    if (first != null) {
      held.add(0, first);
    }
    loseLocked(slot, held, why, cause);
  }

  /**
   * Settles the tasks a lost member held, by their fate ({@link TaskFate#MAY_HAVE_RUN}): each with
   * retries left goes back to the front of the queue, every other fails with a {@link
   * MemberLostException}.
   */
  private void loseLocked(Slot slot, List<Job> held, String why, Throwable cause) {
    slot.running.removeAll(held);
    Loss loss = new Loss(slot, why, cause);
    for (int i = held.size() - 1; i >= 0; i--) {
      Job job = held.get(i);
      job.slot = null;
      settleLocked(job, fateOf(job, TaskFate.MAY_HAVE_RUN), true, loss);
    }
  }

  private static TaskFate fateOf(Job job, TaskFate live) {
    return job.future.isDone() ? TaskFate.FINISHED : live;
  }

  /**
   * A member lost while it held tasks.
   *
   * @param slot the member
   * @param why how it was lost, for messages
   * @param cause what Hazelcast said, or null
   */
  record Loss(Slot slot, String why, Throwable cause) {}

  @Override
  protected Throwable lostLocked(Job job, Loss loss) {
    Slot slot = loss.slot();
    MemberLostException e =
        new MemberLostException(
            "member "
                + slot.name
                + " (pid "
                + slot.pidText()
                + ") "
                + loss.why()
                + " while it held task "
                + job.id
                + " of pool "
                + poolName
                + "; the task may or may not have run: submit it with submitRetryable to"
                + " run it again on another member",
            slot.name,
            slot.member.getUuid(),
            slot.pid());
    if (loss.cause() != null) {
      e.initCause(loss.cause());
    }
    return e;
  }

  @Override
  protected void retryingLocked(Job job, Loss loss) {
    LOG.info(
        "pool {}: task {} runs again, its member {} {}",
        poolName,
        job.id,
        loss.slot().name,
        loss.why());
  }

  /**
   * @return whether {@code t} or one of its causes is one of {@code types}: a member-left or
   *     target-disconnected exception says the member may have run the task (it left, or the
   *     connection to it broke, after the send); a target-not-member exception says the invocation
   *     was refused before it left (a target invocation is not retried after a member-left answer,
   *     so this is never a second try)
   */
  private static boolean causedBy(Throwable t, Class<?>... types) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      for (Class<?> type : types) {
        if (type.isInstance(c)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Runs a stage's action on the thread that completes it (Hazelcast's response thread, or the
   * sender when the answer is in already): {@code answered} only takes the lock briefly and hands
   * decoding and user stages to the callback threads or to the waiting caller.
   */
  private static final Executor DIRECT = Runnable::run;

  /**
   * A verified answer not yet decoded: the waiting caller decodes it in its own thread, or a
   * callback thread completes an exposed task's future with it ({@link #complete}).
   */
  private final class Reply implements PoolCalls.Undecoded {
    private final Job job;
    private final boolean ok;
    private final byte[] body;
    private final Answers.Where where;

    Reply(Job job, String member, byte[] reply) {
      this.job = job;
      this.ok = reply.length > 0 && reply[0] == MemberTask.OK;
      this.body = reply.length == 0 ? reply : Arrays.copyOfRange(reply, 1, reply.length);
      this.where = new Answers.Where("member", member, "on");
    }

    @Override
    public Object decode() {
      if (!ok) {
        throw Answers.failure(codec, body, job.id, where);
      }
      return Answers.decodeResult(codec, body, job.id, where);
    }

    void complete() {
      Answers.complete(job.future, codec, ok, body, job.id, where);
    }
  }

  /** Every 250 ms: re-admits suspects, bounds the wait for a member, checks for termination. */
  private void tick() {
    List<Runnable> sends = List.of();
    List<Runnable> admits = new ArrayList<>();
    lock.lock();
    try {
      if (isTerminatedLocked()) {
        return;
      }
      long now = System.nanoTime();
      if (roster.hasSuspectsLocked()) {
        roster.readmitDueLocked(now, admits);
        sends = dispatchLocked();
      }
      if (members.isEmpty()
          && !queue.isEmpty()
          && now - noMemberSince > noMemberTimeout.toNanos()) {
        for (Job j : queue) {
          failLocked(
              j,
              new PoolException(
                  "task "
                      + j.id
                      + " of pool "
                      + poolName
                      + " found no Baton member to run it for "
                      + noMemberTimeout.toSeconds()
                      + " s; start a member (ClusterMember) in cluster \""
                      + clusterName
                      + "\""));
        }
        queue.clear();
      }
      tryTerminateLocked();
    } finally {
      lock.unlock();
    }
    admits.forEach(Runnable::run);
    sends.forEach(Runnable::run);
  }

  @Override
  protected boolean idleLocked() {
    if (cancelling > 0) {
      return false;
    }
    for (Slot s : members.values()) {
      if (!s.running.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Releases the pool's Hazelcast instance on the timer thread, which ends after it. */
  @Override
  protected void releaseLocked(Runnable done) {
    Runnable release =
        () -> {
          try {
            onTerminate.run();
          } catch (RuntimeException e) {
            LOG.warn("pool {}: releasing its Hazelcast instance failed", poolName, e);
          } finally {
            done.run();
          }
        };
    try {
      timer.execute(release);
    } catch (RejectedExecutionException e) {
      release.run(); // never: only this shuts the timer down
    }
  }

  /** One member the pool sends tasks to. */
  private static final class Slot {
    final Member member;
    final String name;
    final int slots;

    /** The tasks sent to it and not answered; guarded by the dispatcher's lock. */
    final Set<Job> running = new LinkedHashSet<>();

    /** Its invocations not yet answered (a batch is one); guarded by the dispatcher's lock. */
    int inFlight;

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

  /** The most tasks one invocation carries. */
  private static final int BATCH_MAX = 64;

  /** Chunks waiting per free place from which they travel in batches. */
  private static final int BATCH_FROM = 4;

  /** One invocation: its jobs, and how many of them a member still holds; guarded by the lock. */
  private static final class Send {
    int open;

    Send(List<Job> jobs) {
      this.open = jobs.size();
    }
  }

  /** A task and where it is; its fields are guarded by the dispatcher's lock. */
  final class Job extends PoolJob {
    final MemberTask task;
    final JobFuture future;

    /** The call whose chunks may travel together, or null for a task that travels alone. */
    final Object group;

    /** The invocation it travels in while a member holds it. */
    Send send;

    int attempt;
    Slot slot;

    /** Hazelcast's future for the attempt in flight, to cancel it on the member. */
    Future<byte[]> remote;

    Job(long id, MemberTask task, int retries, boolean exposed, Object group) {
      super(id, retries, exposed);
      this.task = task;
      this.group = group;
      this.future = new JobFuture(this);
    }

    @Override
    public CompletableFuture<Object> future() {
      return future;
    }
  }

  /**
   * A task's future: {@code cancel(false)} takes the task out of the queue, if it is still there (a
   * running task runs on and its answer is dropped); {@code cancel(true)} also takes it from its
   * member, whose slot is free at once and which interrupts it.
   */
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
          if (mayInterruptIfRunning) {
            withdrawLocked(job);
          } else {
            queue.remove(job);
            tryTerminateLocked();
          }
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
