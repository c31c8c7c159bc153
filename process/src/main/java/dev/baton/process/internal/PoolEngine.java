package dev.baton.process.internal;

import dev.baton.core.trace.Tracer;
import dev.baton.process.PoolTrace;
import dev.baton.process.ProcessPoolException;
import dev.baton.process.WorkerCrashedException;
import dev.baton.process.WorkerStartException;
import dev.baton.process.jfr.WorkerCrashedEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's dispatcher: a queue of tasks, a set of workers, and the rules that move tasks between
 * them and survive workers dying.
 *
 * <p>Concurrency: one lock ({@link #lock}) guards the queue, the worker set, every worker's
 * in-flight deque and counters, the state and the counters below. Frames to a worker are written
 * under it, so the order of a worker's in-flight deque is the order of its stdin, which is the
 * order it runs tasks in: the head of the deque is the task it is running. Kills are requested with
 * a recorded reason and reported back by the worker's reader thread through {@link #exited}.
 *
 * <p>Completion: a worker's reader thread reads frames and does the bookkeeping above; it never
 * decodes a result and never runs a caller's code. A future from {@code submit} is the caller's,
 * who may hang dependent actions on it, so it is completed on the pool's callback threads ({@link
 * #callbacks}, named {@code <pool>-callbacks-N}), after the lock is released, so a callback that
 * calls the pool again, waits for another of its tasks or closes it, holds up no thread the pool
 * needs: the callback executor grows a thread when all of its threads are busy, and its idle
 * threads end within seconds, all of them once the pool has terminated. A future the pool keeps to
 * itself (a blocking call's, an iterator's: {@link Job#exposed} false) has no dependent but the
 * pool's own bookkeeping, so the reader completes it at once with the {@link Answer} it read, and
 * the caller waiting for it decodes it: one hand-off, reader to caller, instead of two. Decoding a
 * hostile result costs its caller, or a callback thread, at most the codec's work limit ({@link
 * SerialPolicy#maxWork()}).
 *
 * <p>Batching: task frames are written into the workers' stdin buffers and flushed once per
 * dispatch; on a reader thread, once it has read all it had buffered ({@link #drained}), so that
 * the tasks sent in answer to a burst of results travel in one write.
 *
 * <p>Failure model: when a worker ends, the head of its in-flight deque (the task it held) fails
 * with the reason recorded for the kill (timeout), or is retried if it has retries left, or fails
 * with {@link WorkerCrashedException}; the tasks behind it never started and go back to the front
 * of the queue; a replacement starts while there is work or the pool is open. A head that was being
 * stolen is no exception: the worker may have taken it before the cancel frame arrived (it answers
 * STARTED then, but it may die first), so it counts as possibly run, and only a CANCELLED answer
 * puts a stolen task back in the queue.
 */
public final class PoolEngine implements WorkerProcess.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PoolEngine.class);

  /**
   * Tasks sent ahead to a worker: one running, one waiting in its stdin, so it never idles. A map's
   * chunks (its function is known, the chunk is small) go deeper, up to {@link #MAP_PIPELINE}: they
   * are alike, so none waits long behind another, and a worker that runs many of them back to back
   * reads and answers them in batches rather than one wake-up each.
   */
  private static final int PIPELINE = 2;

  /** How many small map chunks a worker may hold. */
  private static final int MAP_PIPELINE = 32;

  /** The largest chunk (its encoded items) that goes deeper than {@link #PIPELINE}. */
  private static final int MAP_PIPELINE_BYTES = 64 << 10;

  /**
   * How long a steal's cancel frame may go unanswered before the pool looks at whether its worker
   * is stopped by a signal. A worker's stdin reader answers a cancel at once, whatever its task
   * does, so silence means that its whole JVM is not running.
   */
  private static final long STEAL_PATIENCE_MILLIS = 2_000;

  /** Map functions a worker keeps by id before the pool tells it to forget them all. */
  private static final int MAX_FUNCTIONS_PER_WORKER = 64;

  /** Replacement start failures in a row, with no worker ready, after which queued work fails. */
  private static final int MAX_START_FAILURES = 3;

  /** Pool states, in the only order they are entered. */
  private enum State {
    OPEN,
    SHUTDOWN,
    TERMINATED
  }

  /**
   * How to start workers and run tasks.
   *
   * @param name the pool's name
   * @param workers how many workers
   * @param command the worker command line, without the worker's name at the end
   * @param environment variables added to the inherited ones
   * @param init the init frame payload
   * @param maxTasksPerWorker tasks after which a worker is replaced, 0 for never
   * @param taskTimeout the longest a task may run, or null
   * @param startupTimeout the longest a worker may take to report ready
   * @param codec how results are decoded
   */
  public record Config(
      String name,
      int workers,
      List<String> command,
      Map<String, String> environment,
      byte[] init,
      int maxTasksPerWorker,
      Duration taskTimeout,
      Duration startupTimeout,
      ValueCodec codec) {}

  private final Config config;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLong ids = new AtomicLong();
  private final ScheduledThreadPoolExecutor timers;

  /** Where results are decoded and futures completed; see the class comment. */
  private final ThreadPoolExecutor callbacks;

  private final AtomicLong callbackThreads = new AtomicLong();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();

  /** Tasks not yet sent, in submission order (retries go first). Guarded by {@link #lock}. */
  private final ArrayDeque<Job> queue = new ArrayDeque<>();

  /** Workers that may receive tasks (starting or ready). Guarded by {@link #lock}. */
  private final List<WorkerProcess> workers = new ArrayList<>();

  /** Every worker process not yet exited, retired ones included. Guarded by {@link #lock}. */
  private final List<WorkerProcess> live = new ArrayList<>();

  /**
   * Futures handed to the callback threads and not complete yet: the pool terminates once they are
   * all done (their callbacks may still be running: one of them may be the caller of close()).
   * Guarded by {@link #lock}.
   */
  private final java.util.Set<CompletableFuture<Object>> completing = new java.util.HashSet<>();

  /** Guarded by {@link #lock}. */
  private State state = State.OPEN;

  /** Guarded by {@link #lock}. */
  private int workerSeq;

  /** Guarded by {@link #lock}. */
  private int startFailures;

  /** Workers replaced because they died, timed out or were killed. Guarded by {@link #lock}. */
  private long replaced;

  /** Why the pool gave up starting workers, or null. Guarded by {@link #lock}. */
  private String broken;

  /** Why the last worker failed to start. Guarded by {@link #lock}. */
  private String lastStartError;

  /**
   * @param config how to start workers and run tasks
   */
  public PoolEngine(Config config) {
    this.config = config;
    this.timers = new ScheduledThreadPoolExecutor(1, r -> daemon(r, config.name() + "-timers"));
    this.timers.setRemoveOnCancelPolicy(true);
    // a start-up timer left from a worker that became ready must not keep the thread after close
    this.timers.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.callbacks =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            5,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> daemon(r, config.name() + "-callbacks-" + callbackThreads.incrementAndGet()));
  }

  /**
   * Hands the completion of a job's future to a callback thread. Call {@link #completingLocked}
   * first, under the lock.
   */
  private void completeLater(Job job, Runnable completion) {
    callbacks.execute(
        () -> {
          try {
            completion.run();
          } finally {
            lock.lock();
            try {
              completing.remove(job.future);
              finishLocked();
            } finally {
              lock.unlock();
            }
          }
        });
  }

  /** Holds off termination until the job's future is complete. */
  private void completingLocked(Job job) {
    completing.add(job.future);
  }

  private void failLater(Job job, Throwable failure) {
    completeLater(job, () -> job.future.completeExceptionally(failure));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * Starts the workers, in parallel.
   *
   * @return one future per worker, completed when it is ready
   */
  public List<CompletableFuture<Void>> start() {
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    lock.lock();
    try {
      for (int i = 0; i < config.workers(); i++) {
        WorkerProcess w = spawnLocked();
        if (w == null) {
          ready.add(CompletableFuture.failedFuture(new WorkerStartException(lastStartError)));
        } else {
          ready.add(w.readyFuture());
        }
      }
    } finally {
      lock.unlock();
    }
    return ready;
  }

  /**
   * A task on its way through the pool.
   *
   * <p>Its fields other than the future are guarded by the engine's lock.
   */
  public final class Job {
    final long id;
    final Payloads.TaskBody body;
    final TaskFuture future;
    int retriesLeft;
    WorkerProcess worker;
    ScheduledFuture<?> timer;

    /** Sent ahead to a busy worker and being taken back for an idle one. */
    boolean stealing;

    /** When it was last sent while tracing was on (its worker ships its events), else 0. */
    long sentNanos;

    /**
     * Its caller's deadline passed ({@link #expire}): its future fails with the timeout, its answer
     * (a result, a cancellation) is dropped, and it is never requeued.
     */
    boolean expired;

    /**
     * Whether its future is the caller's (from {@code submit}): then it completes on a callback
     * thread. A future the pool keeps to itself (a blocking call's, an iterator's) has no user
     * dependents, so the reader completes it with the undecoded answer and the waiting caller
     * decodes it ({@link Answer}).
     */
    final boolean exposed;

    Job(Payloads.TaskBody body, int retries, boolean exposed) {
      this.id = ids.incrementAndGet();
      this.body = body;
      this.retriesLeft = retries;
      this.exposed = exposed;
      this.future = new TaskFuture(this);
    }
  }

  /** A task's future; cancelling it removes a queued task or, when asked to, kills its worker. */
  public final class TaskFuture extends CompletableFuture<Object> {
    private final Job job;

    TaskFuture(Job job) {
      this.job = job;
    }

    /**
     * @return the task's id in this pool
     */
    public long taskId() {
      return job.id;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        cancelled(job, mayInterruptIfRunning);
      }
      return cancelled;
    }
  }

  /**
   * Fails a task whose caller's deadline passed, with {@code failure}: a queued task leaves the
   * queue; a task sent ahead is taken back with a cancel frame (if its worker started it meanwhile,
   * the worker is killed once it is the one running); a running task's worker is killed and
   * replaced. Does nothing to a task already done or being completed. Its future fails on a
   * callback thread, like every other. Any thread.
   *
   * @param future the task's future
   * @param failure what it fails with, given the words this method returns for where it was
   */
  public void expire(
      TaskFuture future, java.util.function.Function<String, ? extends Throwable> failure) {
    Job job = future.job;
    String where;
    lock.lock();
    try {
      if (job.future.isDone() || job.expired || completing.contains(job.future)) {
        return; // done, or its answer is being completed on a callback thread
      }
      job.expired = true;
      completingLocked(job);
      WorkerProcess w = job.worker;
      if (w == null) {
        queue.remove(job);
        where = "it was still queued";
      } else if (w.inFlight.peekFirst() == job) {
        killLocked(w, WorkerProcess.Death.TIMEOUT, job);
        where = "worker " + w + " was running it and was killed and replaced";
      } else {
        w.sendCancel(job.id);
        where = "it had been sent ahead to worker " + w + " and was taken back";
      }
    } finally {
      lock.unlock();
    }
    failLater(job, failure.apply(where));
  }

  /**
   * Runs {@code action} on the pool's timer thread after {@code delayNanos}; never, once the pool
   * has terminated.
   *
   * @param action a short action
   * @param delayNanos the delay
   * @return its handle, to cancel it
   */
  public ScheduledFuture<?> schedule(Runnable action, long delayNanos) {
    try {
      return timers.schedule(action, delayNanos, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return null;
    }
  }

  /**
   * Queues a task.
   *
   * @param body the task
   * @param retries how many times a crash of its worker may be retried
   * @param exposed whether the future goes to the caller (see {@link Job#exposed}); a future that
   *     does not may complete with an {@link Answer}
   * @return its future, or null when the pool is not open
   * @throws WorkerStartException when the pool gave up starting workers
   */
  public TaskFuture submit(Payloads.TaskBody body, int retries, boolean exposed) {
    List<TaskFuture> one = submitAll(List.of(body), retries, exposed);
    return one == null ? null : one.get(0);
  }

  /**
   * Queues tasks in one go: one lock and one write per worker for all of them (a map's chunks).
   *
   * @param bodies the tasks, in order
   * @param retries how many times a crash of a task's worker may be retried
   * @param exposed whether the futures go to the caller
   * @return their futures, or null when the pool is not open
   * @throws WorkerStartException when the pool gave up starting workers
   */
  public List<TaskFuture> submitAll(List<Payloads.TaskBody> bodies, int retries, boolean exposed) {
    List<TaskFuture> futures = new ArrayList<>(bodies.size());
    List<Job> jobs = new ArrayList<>(bodies.size());
    for (Payloads.TaskBody body : bodies) {
      Job job = new Job(body, retries, exposed);
      jobs.add(job);
      futures.add(job.future);
    }
    lock.lock();
    try {
      if (state != State.OPEN) {
        return null;
      }
      if (broken != null) {
        throw new WorkerStartException(broken);
      }
      queue.addAll(jobs);
      dispatchLocked();
    } finally {
      lock.unlock();
    }
    return futures;
  }

  /**
   * A task's answer as the reader received it, not yet decoded: what the future of a task that is
   * not {@link Job#exposed} completes with. The caller that waits for it decodes it in its own
   * thread, so that no hostile result costs the reader anything, with no hand-off in between.
   */
  public final class Answer implements PoolCalls.Undecoded {
    private final Job job;
    private final WorkerProcess worker;
    private final Frame frame;

    Answer(Job job, WorkerProcess worker, Frame frame) {
      this.job = job;
      this.worker = worker;
      this.frame = frame;
    }

    @Override
    public Object decode() {
      if (frame.type() == Frame.T_RESULT) {
        return Answers.decodeResult(config.codec(), frame.payload(), job.id, where());
      }
      throw Answers.failure(config.codec(), frame.payload(), job.id, where());
    }

    private Answers.Where where() {
      return new Answers.Where("worker", worker, "in");
    }
  }

  /**
   * @return whether tasks are accepted
   */
  public boolean isOpen() {
    lock.lock();
    try {
      return state == State.OPEN;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return the process ids of the current workers
   */
  public List<Long> workerPids() {
    lock.lock();
    try {
      List<Long> pids = new ArrayList<>();
      for (WorkerProcess w : workers) {
        pids.add(w.pid());
      }
      return pids;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return how many workers were replaced after dying or being killed
   */
  public long workersReplaced() {
    lock.lock();
    try {
      return replaced;
    } finally {
      lock.unlock();
    }
  }

  /**
   * @return completed when every worker has exited after a shutdown
   */
  public CompletableFuture<Void> terminationFuture() {
    return terminated;
  }

  /**
   * Stops accepting tasks; workers exit once the queue is empty and they are idle.
   *
   * @param cancelQueued whether queued tasks are cancelled
   */
  public void shutdown(boolean cancelQueued) {
    List<Job> dropped = new ArrayList<>();
    lock.lock();
    try {
      if (state == State.OPEN) {
        state = State.SHUTDOWN;
      }
      if (cancelQueued) {
        dropped.addAll(queue);
        queue.clear();
      }
      finishLocked();
    } finally {
      lock.unlock();
    }
    for (Job j : dropped) {
      j.future.cancel(false);
    }
  }

  /** Stops accepting tasks, cancels queued and running ones and kills every worker. */
  public void shutdownNow() {
    List<Job> dropped = new ArrayList<>();
    List<WorkerProcess> doomed;
    lock.lock();
    try {
      if (state == State.OPEN) {
        state = State.SHUTDOWN;
      }
      dropped.addAll(queue);
      queue.clear();
      for (WorkerProcess w : live) {
        dropped.addAll(w.inFlight);
        w.inFlight.clear();
        w.retired = true;
      }
      workers.clear();
      doomed = new ArrayList<>(live);
      finishLocked();
    } finally {
      lock.unlock();
    }
    for (WorkerProcess w : doomed) {
      w.kill(WorkerProcess.Death.SHUTDOWN, 0, "pool shut down now");
    }
    for (Job j : dropped) {
      j.future.cancel(false);
    }
  }

  // ---- dispatch ----

  /** Sends what can be sent and flushes it. */
  private void dispatchLocked() {
    dispatchLocked(false);
  }

  /**
   * Sends queued tasks to workers, breadth first (every worker gets one before any gets two).
   *
   * @param deferFlush leave the writes in the workers' buffers: the reader thread calling this has
   *     more frames to read, and flushes once it has none ({@link #drained})
   */
  private void dispatchLocked(boolean deferFlush) {
    sendLocked();
    if (deferFlush) {
      unflushed = true;
    } else {
      flushLocked();
    }
  }

  /**
   * Writes in the workers' stdin buffers not flushed yet. Written under {@link #lock}; {@link
   * #drained} reads it without: a reader that deferred a flush sees its own write, and a stale true
   * costs one lock.
   */
  private volatile boolean unflushed;

  private void flushLocked() {
    unflushed = false;
    for (WorkerProcess w : live) {
      w.flush();
    }
  }

  @Override
  public void drained(WorkerProcess worker) {
    if (!unflushed) {
      return;
    }
    lock.lock();
    try {
      if (unflushed) {
        flushLocked();
      }
    } finally {
      lock.unlock();
    }
  }

  private static int sendAhead(Job job) {
    Payloads.TaskBody b = job.body;
    boolean smallChunk =
        b.kind() != Payloads.CALL
            && b.functionId() != 0
            && (b.values() == null || b.values().length <= MAP_PIPELINE_BYTES);
    return smallChunk ? MAP_PIPELINE : PIPELINE;
  }

  private void sendLocked() {
    for (int depth = 1; depth <= MAP_PIPELINE && !queue.isEmpty(); depth++) {
      for (int i = 0; i < workers.size() && !queue.isEmpty(); i++) {
        WorkerProcess w = workers.get(i);
        if (w.inFlight.size() >= depth || !canTakeLocked(w)) {
          continue;
        }
        Job job = nextLiveJobLocked();
        if (job == null) {
          return;
        }
        if (depth > sendAhead(job)) {
          queue.addFirst(job); // the head of the queue goes no deeper: nor does what is behind it
          return;
        }
        job.worker = w;
        w.inFlight.addLast(job);
        w.dispatched++;
        if (w.inFlight.size() == 1) {
          armTimerLocked(job);
        }
        long fnId = job.body.functionId();
        boolean withFunction = fnId == 0 || !w.knownFunctions.contains(fnId);
        if (fnId != 0 && withFunction) {
          if (w.knownFunctions.size() >= MAX_FUNCTIONS_PER_WORKER) {
            w.send(Frame.T_FORGET, 0, new byte[0]);
            w.knownFunctions.clear();
          }
          w.knownFunctions.add(fnId);
        }
        long sentNanos = Tracer.now(); // before the write: the worker cannot start it earlier
        job.sentNanos = sentNanos;
        w.sendTask(job.id, job.body, withFunction, sentNanos != 0L);
        if (sentNanos != 0L) {
          Tracer.mark(w.lane(), PoolTrace.TASK_SENT, sentNanos, w.name());
        }
      }
    }
    if (queue.isEmpty()) {
      stealLocked();
    }
  }

  private boolean canTakeLocked(WorkerProcess w) {
    return w.isReady()
        && !w.retired
        && (config.maxTasksPerWorker() == 0 || w.dispatched < config.maxTasksPerWorker());
  }

  /**
   * Takes back tasks sent ahead to busy workers while other workers sit idle, so that no task waits
   * behind a long one: a cancel frame asks the busy worker to drop it if it has not started it; its
   * CANCELLED answer puts the task back at the front of the queue, a result means it was too late.
   */
  private void stealLocked() {
    int idle = 0;
    int stealing = 0;
    for (WorkerProcess w : workers) {
      if (w.inFlight.isEmpty() && canTakeLocked(w)) {
        idle++;
      }
      for (Job j : w.inFlight) {
        if (j.stealing) {
          stealing++;
        }
      }
    }
    for (int i = 0; i < workers.size() && stealing < idle; i++) {
      WorkerProcess v = workers.get(i);
      Job last = v.inFlight.peekLast();
      if (v.inFlight.size() >= 2 && !last.stealing && !last.future.isDone()) {
        last.stealing = true;
        stealing++;
        v.sendCancel(last.id);
        scheduleStealCheck(last, v);
      }
    }
  }

  private void scheduleStealCheck(Job job, WorkerProcess v) {
    timers.schedule(() -> stealUnanswered(job, v), STEAL_PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * A steal still unanswered: a worker stopped by a signal (SIGSTOP, SIGTSTP) would keep the task
   * sent ahead to it, and the one it runs, until someone resumes it, while other workers idle. It
   * is killed (the only way to be sure it never runs the stolen task), so its task fails or is
   * retried as in any crash and the task behind it goes back to the queue; a worker merely slow to
   * answer (a long GC pause, a debugger) is asked again later.
   */
  private void stealUnanswered(Job job, WorkerProcess v) {
    lock.lock();
    try {
      if (!job.stealing || job.worker != v || job.future.isDone() || !v.inFlight.contains(job)) {
        return;
      }
      if (v.isStoppedBySignal()) {
        v.retired = true;
        v.kill(
            WorkerProcess.Death.STOPPED,
            0,
            "stopped by a signal, it did not answer a cancel within "
                + STEAL_PATIENCE_MILLIS
                + " ms while another worker was idle");
        LOG.warn("worker {} is stopped by a signal and holds tasks; replacing it", v);
      } else if (state != State.TERMINATED) {
        scheduleStealCheck(job, v);
      }
    } finally {
      lock.unlock();
    }
  }

  private Job nextLiveJobLocked() {
    Job job;
    while ((job = queue.pollFirst()) != null) {
      if (!job.future.isDone()) {
        return job;
      }
    }
    return null;
  }

  private void armTimerLocked(Job job) {
    if (job.expired) { // taken back too late: its worker started it
      WorkerProcess w = job.worker;
      job.timer = timers.schedule(() -> timedOut(job, w), 0, TimeUnit.NANOSECONDS);
      return;
    }
    Duration timeout = config.taskTimeout();
    if (timeout != null) {
      WorkerProcess w = job.worker;
      job.timer = timers.schedule(() -> timedOut(job, w), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void timedOut(Job job, WorkerProcess w) {
    lock.lock();
    try {
      if (job.worker == w
          && w.inFlight.peekFirst() == job
          && (!job.future.isDone() || job.expired)) {
        killLocked(w, WorkerProcess.Death.TIMEOUT, job);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Kills a worker on purpose, blaming {@code job}; nothing more is sent to it. */
  private void killLocked(WorkerProcess w, WorkerProcess.Death why, Job job) {
    w.retired = true;
    w.kill(why, job == null ? 0 : job.id, why.name().toLowerCase(java.util.Locale.ROOT));
  }

  private void cancelled(Job job, boolean interrupt) {
    lock.lock();
    try {
      WorkerProcess w = job.worker;
      if (w == null) {
        queue.remove(job);
      } else if (w.inFlight.peekFirst() == job) {
        if (interrupt) {
          killLocked(w, WorkerProcess.Death.CANCELLED, job);
        }
      } else if (w.inFlight.contains(job)) {
        w.sendCancel(job.id);
      }
    } finally {
      lock.unlock();
    }
  }

  // ---- worker events ----

  @Override
  public void ready(WorkerProcess worker) {
    lock.lock();
    try {
      startFailures = 0;
      worker.sendPing();
      dispatchLocked();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void frame(WorkerProcess worker, Frame frame) {
    if (frame.type() == Frame.T_CANCELLED) {
      skipped(worker, frame.id());
      return;
    }
    if (frame.type() == Frame.T_STARTED) {
      started(worker, frame.id());
      return;
    }
    if (frame.type() == Frame.T_SPANS) {
      shipped(worker, frame);
      return;
    }
    Job job;
    boolean expired = false;
    lock.lock();
    try {
      job = worker.inFlight.peekFirst();
      if (job == null || job.id != frame.id()) {
        job = null;
      } else {
        expired = job.expired;
        worker.inFlight.pollFirst();
        if (!expired && (job.exposed || !answer(frame))) {
          completingLocked(job);
        }
        if (job.timer != null) {
          job.timer.cancel(false);
        }
        Job next = worker.inFlight.peekFirst();
        if (next != null) {
          armTimerLocked(next);
        }
        if (config.maxTasksPerWorker() > 0
            && worker.dispatched >= config.maxTasksPerWorker()
            && worker.inFlight.isEmpty()) {
          retireLocked(worker);
          if (state == State.OPEN || !queue.isEmpty()) {
            spawnLocked();
          }
        }
        dispatchLocked(true); // flushed once this reader has no more frames: drained()
        finishLocked();
      }
    } finally {
      lock.unlock();
    }
    if (job == null) {
      worker.kill(WorkerProcess.Death.CORRUPT, 0, "answered task " + frame.id() + " out of order");
      LOG.error("worker {} answered task {} out of order; replacing it", worker, frame.id());
      return;
    }
    if (expired) {
      return; // its future has its failure already
    }
    if (job.exposed || !answer(frame)) {
      Job answered = job;
      completeLater(job, () -> complete(answered, worker, frame));
    } else {
      Tracer.mark(worker.lane(), PoolTrace.RESULT_RECEIVED, worker.name());
      job.future.complete(new Answer(job, worker, frame)); // the pool's own future: no user code
    }
  }

  private static boolean answer(Frame frame) {
    return frame.type() == Frame.T_RESULT || frame.type() == Frame.T_ERROR;
  }

  /** A traced task's own events, just before its answer: onto the worker's lane, aligned. */
  private void shipped(WorkerProcess worker, Frame frame) {
    long received = System.nanoTime();
    long sent = 0L;
    lock.lock();
    try {
      Job head = worker.inFlight.peekFirst();
      if (head != null && head.id == frame.id()) {
        sent = head.sentNanos;
      }
    } finally {
      lock.unlock();
    }
    if (sent == 0L) {
      return; // out of order: its answer will say so; or sent before tracing was on
    }
    try {
      WorkerTrace.merge(frame.payload(), worker.lane(), worker.clock(), sent, received);
    } catch (IOException e) {
      worker.kill(WorkerProcess.Death.CORRUPT, 0, "unreadable trace events: " + e.getMessage());
      LOG.error("worker {} sent unreadable trace events; replacing it: {}", worker, e.toString());
    }
  }

  /** The worker dropped a task before starting it: a steal or a user's cancel. */
  private void skipped(WorkerProcess worker, long id) {
    Job job = null;
    lock.lock();
    try {
      Job head = worker.inFlight.peekFirst();
      for (Job j : worker.inFlight) {
        if (j.id == id) {
          job = j;
          break;
        }
      }
      if (job != null) {
        worker.inFlight.remove(job);
        worker.dispatched--;
        if (job.timer != null) {
          job.timer.cancel(false);
        }
        Job next = worker.inFlight.peekFirst();
        if (job == head && next != null) {
          armTimerLocked(next);
        }
        if (job.expired) {
          job = null;
        } else if (job.stealing && !job.future.isDone()) {
          job.stealing = false;
          job.worker = null;
          queue.addFirst(job);
          job = null;
        } else {
          completingLocked(job);
        }
        dispatchLocked();
        finishLocked();
      }
    } finally {
      lock.unlock();
    }
    if (job != null) {
      failLater(job, new CancellationException("task " + job.id + " cancelled"));
    }
  }

  /**
   * The worker had already started (or answered) a task the pool asked it to drop: a steal failed.
   * The task stays where it is, counted as possibly run; the pool may steal another.
   */
  private void started(WorkerProcess worker, long id) {
    lock.lock();
    try {
      for (Job j : worker.inFlight) {
        if (j.id == id) {
          j.stealing = false;
          dispatchLocked(true);
          break;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private void complete(Job job, WorkerProcess worker, Frame frame) {
    Tracer.mark(worker.lane(), PoolTrace.RESULT_RECEIVED, worker.name());
    switch (frame.type()) {
      case Frame.T_RESULT, Frame.T_ERROR ->
          Answers.complete(
              job.future,
              config.codec(),
              frame.type() == Frame.T_RESULT,
              frame.payload(),
              job.id,
              new Answers.Where("worker", worker, "in"));
      default -> {
        worker.kill(WorkerProcess.Death.CORRUPT, 0, "unexpected frame type " + frame.type());
        job.future.completeExceptionally(
            new ProcessPoolException("worker " + worker + " sent frame type " + frame.type()));
      }
    }
  }

  @Override
  public void exited(WorkerProcess worker) {
    Job failed = null;
    Throwable failure = null;
    List<Job> abandoned = new ArrayList<>();
    lock.lock();
    try {
      boolean member = workers.remove(worker);
      live.remove(worker);
      Job head = worker.inFlight.pollFirst();
      markExit(worker, head);
      List<Job> behind = new ArrayList<>(worker.inFlight);
      worker.inFlight.clear();
      for (int i = behind.size() - 1; i >= 0; i--) {
        Job j = behind.get(i);
        j.worker = null;
        j.stealing = false;
        queue.addFirst(j);
      }
      if (head != null) {
        if (head.timer != null) {
          head.timer.cancel(false);
        }
        if (!head.future.isDone() && !head.expired) {
          WorkerProcess.Death death = worker.death();
          if (death == WorkerProcess.Death.TIMEOUT && worker.deathTask() == head.id) {
            failed = head;
            failure =
                new TimeoutException(
                    "task "
                        + head.id
                        + " ran longer than the pool's task timeout of "
                        + config.taskTimeout()
                        + " in worker "
                        + worker
                        + "; the worker was killed and replaced");
          } else if (head.retriesLeft > 0 && death != WorkerProcess.Death.SHUTDOWN) {
            head.retriesLeft--;
            head.worker = null;
            head.stealing = false;
            queue.addFirst(head);
            LOG.warn("worker {} died running task {}; retrying it", worker, head.id);
          } else {
            failed = head;
            failure = crashed(worker, head);
          }
        }
      }
      boolean wasReady = worker.isReady();
      if (!wasReady) {
        worker.readyFuture().completeExceptionally(new WorkerStartException(startFailure(worker)));
      }
      if (member) {
        if (!wasReady) {
          startFailures++;
          lastStartError = startFailure(worker);
        } else if (worker.death() != WorkerProcess.Death.RETIRED) {
          replaced++;
        }
        boolean giveUp = !wasReady && startFailures >= MAX_START_FAILURES && !anyReadyLocked();
        if (!giveUp && (state == State.OPEN || !queue.isEmpty())) {
          giveUp = spawnLocked() == null && workers.isEmpty();
        }
        if (giveUp) {
          broken = lastStartError;
          LOG.error("process pool {} cannot start workers: {}", config.name(), broken);
          abandoned.addAll(queue);
          queue.clear();
        }
      }
      if (failed != null) {
        completingLocked(failed);
      }
      for (Job j : abandoned) {
        completingLocked(j);
      }
      dispatchLocked();
      finishLocked();
    } finally {
      lock.unlock();
    }
    if (failed != null) {
      failLater(failed, failure);
    }
    for (Job j : abandoned) {
      failLater(j, new WorkerStartException(lastStartErrorOrUnknown()));
    }
  }

  /**
   * Marks a worker's end on its lane: an exit when the pool retired it, shut it down, or it ended
   * cleanly with nothing to do; otherwise a crash (it died, was killed for a timeout, a cancel or a
   * corrupted stream, or never became ready).
   */
  private static void markExit(WorkerProcess worker, Job head) {
    if (!Tracer.isEnabled()) {
      return;
    }
    WorkerProcess.Death death = worker.death();
    Integer code = worker.exitCode();
    boolean asked = death == WorkerProcess.Death.RETIRED || death == WorkerProcess.Death.SHUTDOWN;
    boolean clean =
        death == WorkerProcess.Death.NONE && head == null && Integer.valueOf(0).equals(code);
    if (asked || clean) {
      Tracer.mark(worker.lane(), PoolTrace.WORKER_EXIT, worker.name());
    } else {
      String why =
          death == WorkerProcess.Death.NONE
              ? exitDescription(code)
              : death.name().toLowerCase(java.util.Locale.ROOT) + ", " + exitDescription(code);
      Tracer.mark(worker.lane(), PoolTrace.WORKER_CRASH, worker.name() + ": " + why);
    }
  }

  private String lastStartErrorOrUnknown() {
    lock.lock();
    try {
      return broken == null ? "workers could not be started" : broken;
    } finally {
      lock.unlock();
    }
  }

  private boolean anyReadyLocked() {
    for (WorkerProcess w : workers) {
      if (w.isReady()) {
        return true;
      }
    }
    return false;
  }

  private WorkerCrashedException crashed(WorkerProcess worker, Job job) {
    Integer code = worker.exitCode();
    WorkerCrashedEvent event = new WorkerCrashedEvent();
    if (event.shouldCommit()) {
      event.pool = config.name();
      event.workerPid = worker.pid();
      event.exitCode = code == null ? -1 : code;
      event.task = "task " + job.id;
      event.commit();
    }
    List<String> tail = worker.stderrTail();
    StringBuilder msg =
        new StringBuilder("worker ")
            .append(worker)
            .append(" died while running its task (id ")
            .append(job.id)
            .append("): ")
            .append(exitDescription(code));
    if (worker.death() == WorkerProcess.Death.CORRUPT
        || worker.death() == WorkerProcess.Death.CANCELLED
        || worker.death() == WorkerProcess.Death.STOPPED) {
      msg.append(" (").append(worker.deathDetail()).append(')');
    }
    msg.append("; the pool replaced it");
    appendTail(msg, tail);
    return new WorkerCrashedException(msg.toString(), worker.pid(), code, tail);
  }

  /**
   * @param code an exit code, or null
   * @return it in words, naming the signal when the code is 128 + a signal
   */
  static String exitDescription(Integer code) {
    if (code == null) {
      return "exit status unknown";
    }
    if (code > 128 && code < 128 + 65) {
      int signal = code - 128;
      String name =
          switch (signal) {
            case 1 -> " SIGHUP";
            case 2 -> " SIGINT";
            case 6 -> " SIGABRT";
            case 9 -> " SIGKILL";
            case 11 -> " SIGSEGV";
            case 15 -> " SIGTERM";
            default -> "";
          };
      return "exit code " + code + " (signal " + signal + name + ")";
    }
    return "exit code " + code;
  }

  private String startFailure(WorkerProcess worker) {
    StringBuilder msg = new StringBuilder("worker ").append(worker).append(" did not start: ");
    Payloads.ErrorRecord init = worker.initFailure();
    if (init != null) {
      msg.append("the initializer threw ")
          .append(init.className())
          .append(init.message() == null ? "" : ": " + init.message());
    } else if (worker.death() == WorkerProcess.Death.STARTUP_TIMEOUT) {
      msg.append("not ready within the start-up timeout of ").append(config.startupTimeout());
    } else {
      msg.append(exitDescription(worker.exitCode())).append(" before it was ready");
    }
    appendTail(msg, worker.stderrTail());
    return msg.toString();
  }

  private static void appendTail(StringBuilder msg, List<String> tail) {
    if (!tail.isEmpty()) {
      msg.append("; last stderr lines:");
      for (String line : tail) {
        msg.append("\n  ").append(line);
      }
    }
  }

  private void retireLocked(WorkerProcess w) {
    workers.remove(w);
    w.retired = true;
    w.closeInput();
  }

  private WorkerProcess spawnLocked() {
    String name = config.name() + "-w" + (++workerSeq);
    List<String> command = new ArrayList<>(config.command());
    command.add(name);
    WorkerProcess w;
    try {
      w =
          WorkerProcess.start(
              name,
              command,
              config.environment(),
              config.init(),
              config.codec().policy().maxBytes(),
              this);
    } catch (IOException e) {
      startFailures++;
      lastStartError =
          "cannot start worker " + name + " with " + command.get(0) + ": " + e.getMessage();
      LOG.error("process pool {}: {}", config.name(), lastStartError);
      return null;
    }
    workers.add(w);
    live.add(w);
    Tracer.mark(w.lane(), PoolTrace.WORKER_START, name);
    timers.schedule(
        () -> {
          if (!w.readyFuture().isDone()) {
            w.kill(WorkerProcess.Death.STARTUP_TIMEOUT, 0, "not ready in time");
          }
        },
        config.startupTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
    w.onExit().thenRun(() -> closeOutputSoon(w));
    return w;
  }

  private void closeOutputSoon(WorkerProcess w) {
    try {
      timers.schedule(w::closeOutput, 2, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      w.closeOutput();
    }
  }

  private void finishLocked() {
    if (state == State.OPEN) {
      return;
    }
    if (queue.isEmpty()) {
      for (WorkerProcess w : new ArrayList<>(workers)) {
        if (w.inFlight.isEmpty()) {
          retireLocked(w);
        }
      }
    }
    if (state == State.SHUTDOWN && live.isEmpty() && queue.isEmpty()) {
      completing.removeIf(CompletableFuture::isDone);
    }
    if (state == State.SHUTDOWN && live.isEmpty() && queue.isEmpty() && completing.isEmpty()) {
      state = State.TERMINATED;
      timers.shutdown();
      callbacks.shutdown();
      terminated.complete(null);
    }
  }
}
