package dev.baton.process.internal;

import dev.baton.core.trace.Tracer;
import dev.baton.process.PoolTrace;
import dev.baton.process.WorkerStartException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's dispatcher: a queue of tasks, a set of workers, and the rules that move tasks between
 * them and survive workers dying.
 *
 * <p>The queue, the lock, the callback threads, the pool's life cycle and what becomes of a task
 * its worker let go of are {@link PoolScheduler}'s; this class adds the workers.
 *
 * <p>Concurrency: one lock ({@link #lock}) guards the queue, the worker set, every worker's
 * in-flight deque and counters, the state and the counters below. Frames to a worker are written
 * under it, so the order of a worker's in-flight deque is the order of its stdin, which is the
 * order it runs tasks in: the head of the deque is the task it is running. Kills are requested with
 * a recorded reason and reported back by the worker's reader thread through {@link #exited}.
 *
 * <p>Completion: a worker's reader thread reads frames and does the bookkeeping above; it never
 * decodes a result and never runs a caller's code. A future from {@code submit} is the caller's and
 * completes on the pool's callback threads ({@link Completions}). A future the pool keeps to itself
 * (a blocking call's, an iterator's: {@link PoolJob#exposed} false) has no dependent but the pool's
 * own bookkeeping, so the reader completes it at once with the {@link WorkerAnswer} it read, and
 * the caller waiting for it decodes it: one hand-off, reader to caller, instead of two. Decoding a
 * hostile result costs its caller, or a callback thread, at most the codec's work limit ({@link
 * SerialPolicy#maxWork()}).
 *
 * <p>Batching: task frames are written into the workers' stdin buffers and flushed once per
 * dispatch; on a reader thread, once it has read all it had buffered ({@link #drained}), so that
 * the tasks sent in answer to a burst of results travel in one write.
 *
 * <p>Failure model: when a worker ends ({@link #exited}), each task it held is settled by its
 * {@link TaskFate}: the head of its in-flight deque (the task it held) may have run, so it fails
 * with the reason recorded for the kill (timeout), or is retried if it has retries left, or fails
 * with a {@link CrashReport crash report}; the tasks behind it never started and go back to the
 * front of the queue; a replacement starts while there is work or the pool is open. A head that was
 * being stolen is no exception ({@link Stealing}): only a CANCELLED answer puts a stolen task back
 * in the queue.
 */
public final class PoolEngine extends PoolScheduler<Job, WorkerProcess>
    implements WorkerProcess.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PoolEngine.class);

  /** Map functions a worker keeps by id before the pool tells it to forget them all. */
  private static final int MAX_FUNCTIONS_PER_WORKER = 64;

  /** Replacement start failures in a row, with no worker ready, after which queued work fails. */
  private static final int MAX_START_FAILURES = 3;

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
  private final Stealing stealing;

  /** Workers that may receive tasks (starting or ready). Guarded by {@link #lock}. */
  private final List<WorkerProcess> workers = new ArrayList<>();

  /** Every worker process not yet exited, retired ones included. Guarded by {@link #lock}. */
  private final List<WorkerProcess> live = new ArrayList<>();

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
    super(config.name());
    this.config = config;
    this.stealing = new Stealing(lock, timer);
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

  @Override
  protected Job taskOf(CompletableFuture<Object> future) {
    return future instanceof TaskFuture f ? f.job() : null;
  }

  /**
   * A queued task leaves the queue; a task sent ahead is taken back with a cancel frame (if its
   * worker started it meanwhile, the worker is killed once it is the one running); a running task's
   * worker is killed and replaced.
   */
  @Override
  protected String takeBackLocked(Job job) {
    job.expired = true;
    WorkerProcess w = job.worker;
    if (w == null) {
      queue.remove(job);
      return "it was still queued";
    } else if (w.inFlight.peekFirst() == job) {
      killLocked(w, WorkerProcess.Death.TIMEOUT, job);
      return "worker " + w + " was running it and was killed and replaced";
    } else {
      w.sendCancel(job.id);
      return "it had been sent ahead to worker " + w + " and was taken back";
    }
  }

  /**
   * Queues a task.
   *
   * @param body the task
   * @param retries how many times a crash of its worker may be retried
   * @param exposed whether the future goes to the caller (see {@link PoolJob#exposed}); a future
   *     that does not may complete with an {@link WorkerAnswer}
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
      Job job = new Job(nextId(), body, retries, exposed, this);
      jobs.add(job);
      futures.add(job.future);
    }
    lock.lock();
    try {
      if (!isOpenLocked()) {
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
   * @return whether tasks are accepted
   */
  public boolean isOpen() {
    lock.lock();
    try {
      return isOpenLocked();
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

  /** Stops accepting tasks, cancels queued and running ones and kills every worker. */
  public void shutdownNow() {
    List<Job> dropped = new ArrayList<>();
    List<WorkerProcess> doomed;
    lock.lock();
    try {
      dropped.addAll(stopLocked(true));
      for (WorkerProcess w : live) {
        dropped.addAll(w.inFlight);
        w.inFlight.clear();
        w.retired = true;
      }
      workers.clear();
      doomed = new ArrayList<>(live);
      tryTerminateLocked();
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

  private void sendLocked() {
    for (int depth = 1; depth <= Job.MAP_PIPELINE && !queue.isEmpty(); depth++) {
      for (int i = 0; i < workers.size() && !queue.isEmpty(); i++) {
        WorkerProcess w = workers.get(i);
        if (w.inFlight.size() >= depth || !canTakeLocked(w)) {
          continue;
        }
        Job job = nextLiveJobLocked();
        if (job == null) {
          return;
        }
        if (depth > job.sendAhead()) {
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
      stealing.stealLocked(workers, this::canTakeLocked);
    }
  }

  private boolean canTakeLocked(WorkerProcess w) {
    return w.isReady()
        && !w.retired
        && (config.maxTasksPerWorker() == 0 || w.dispatched < config.maxTasksPerWorker());
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
      job.timer = timer.schedule(() -> timedOut(job, w), 0, TimeUnit.NANOSECONDS);
      return;
    }
    Duration timeout = config.taskTimeout();
    if (timeout != null) {
      WorkerProcess w = job.worker;
      job.timer = timer.schedule(() -> timedOut(job, w), timeout.toNanos(), TimeUnit.NANOSECONDS);
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

  void cancelled(Job job, boolean interrupt) {
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
          completions.holdLocked(job.future);
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
          if (isOpenLocked() || !queue.isEmpty()) {
            spawnLocked();
          }
        }
        dispatchLocked(true); // flushed once this reader has no more frames: drained()
        tryTerminateLocked();
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
      completions.later(
          job.future, () -> WorkerAnswer.complete(config.codec(), answered, worker, frame));
    } else {
      Tracer.mark(worker.lane(), PoolTrace.RESULT_RECEIVED, worker.name());
      job.future.complete(
          new WorkerAnswer(
              config.codec(), job, worker, frame)); // the pool's own future: no user code
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
    lock.lock();
    try {
      Job head = worker.inFlight.peekFirst();
      Job job = null;
      for (Job j : worker.inFlight) {
        if (j.id == id) {
          job = j;
          break;
        }
      }
      if (job != null) {
        worker.inFlight.remove(job);
        worker.dispatched--;
        Job next = worker.inFlight.peekFirst();
        if (job == head && next != null) {
          armTimerLocked(next);
        }
        if (job.expired || job.future.isDone()) {
          letGoLocked(job, TaskFate.FINISHED, worker);
        } else if (job.stealing) {
          letGoLocked(job, TaskFate.STOLEN, worker);
        } else { // a user's cancel that lost the race to its own future: failed all the same
          letGoLocked(job, TaskFate.FINISHED, worker);
          failLocked(job, new CancellationException("task " + job.id + " cancelled"));
        }
        dispatchLocked();
        tryTerminateLocked();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * The worker had already started (or answered) a task the pool asked it to drop: a steal failed.
   * The task stays where it is, counted as possibly run; the pool may steal another.
   */
  private void started(WorkerProcess worker, long id) {
    lock.lock();
    try {
      if (stealing.startedLocked(worker, id)) {
        dispatchLocked(true);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A worker ended: what it held is settled by fate ({@link TaskFate}), then it is replaced, or the
   * pool gives up starting workers. The shape of {@code ThreadPoolExecutor.processWorkerExit}.
   */
  @Override
  public void exited(WorkerProcess worker) {
    lock.lock();
    try {
      boolean member = workers.remove(worker);
      live.remove(worker);
      Job head = worker.inFlight.pollFirst();
      CrashReport.markExit(worker, head != null);
      for (Job behind; (behind = worker.inFlight.pollLast()) != null; ) {
        boolean settled = behind.expired || behind.future.isDone();
        letGoLocked(behind, settled ? TaskFate.FINISHED : TaskFate.NEVER_STARTED, worker);
      }
      if (head != null) {
        letGoLocked(head, fateOfHead(worker, head), worker);
      }
      replaceLocked(worker, member);
      dispatchLocked();
      tryTerminateLocked();
    } finally {
      lock.unlock();
    }
  }

  /** The fate of the oldest task a worker had not answered when it ended. */
  private static TaskFate fateOfHead(WorkerProcess worker, Job head) {
    if (head.future.isDone() || head.expired) {
      return TaskFate.FINISHED;
    }
    if (worker.death() == WorkerProcess.Death.TIMEOUT && worker.deathTask() == head.id) {
      return TaskFate.TIMED_OUT;
    }
    return TaskFate.MAY_HAVE_RUN; // being stolen or not: the worker may have taken it (Stealing)
  }

  /** Does with a job its worker let go of what its fate asks ({@link #settleLocked}). */
  private void letGoLocked(Job job, TaskFate fate, WorkerProcess worker) {
    if (job.timer != null) {
      job.timer.cancel(false);
    }
    job.worker = null;
    job.stealing = false;
    settleLocked(job, fate, worker.death() != WorkerProcess.Death.SHUTDOWN, worker);
  }

  @Override
  protected Throwable timedOutLocked(Job job, WorkerProcess worker) {
    return new TimeoutException(
        "task "
            + job.id
            + " ran longer than the pool's task timeout of "
            + config.taskTimeout()
            + " in worker "
            + worker
            + "; the worker was killed and replaced");
  }

  @Override
  protected Throwable lostLocked(Job job, WorkerProcess worker) {
    return CrashReport.crashed(config.name(), worker, job.id);
  }

  @Override
  protected void retryingLocked(Job job, WorkerProcess worker) {
    LOG.warn("worker {} died running task {}; retrying it", worker, job.id);
  }

  /**
   * Counts a worker's end (a start failure, or a replacement) and starts another while there is
   * work or the pool is open; gives up, failing queued work, after {@value #MAX_START_FAILURES}
   * start failures in a row with no worker ready, or when no worker can be started at all.
   */
  private void replaceLocked(WorkerProcess worker, boolean member) {
    boolean wasReady = worker.isReady();
    if (!wasReady) {
      String why = CrashReport.startFailure(worker, config.startupTimeout());
      worker.readyFuture().completeExceptionally(new WorkerStartException(why));
      if (member) {
        startFailures++;
        lastStartError = why;
      }
    } else if (member && worker.death() != WorkerProcess.Death.RETIRED) {
      replaced++;
    }
    if (!member) {
      return;
    }
    boolean giveUp = !wasReady && startFailures >= MAX_START_FAILURES && !anyReadyLocked();
    if (!giveUp && (isOpenLocked() || !queue.isEmpty())) {
      giveUp = spawnLocked() == null && workers.isEmpty();
    }
    if (giveUp) {
      broken = lastStartError == null ? "workers could not be started" : lastStartError;
      LOG.error("process pool {} cannot start workers: {}", config.name(), broken);
      for (Job j : queue) {
        failLocked(j, new WorkerStartException(broken));
      }
      queue.clear();
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
    timer.schedule(
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
      timer.schedule(w::closeOutput, 2, TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      w.closeOutput();
    }
  }

  @Override
  protected void drainingLocked() {
    if (queue.isEmpty()) {
      for (WorkerProcess w : new ArrayList<>(workers)) {
        if (w.inFlight.isEmpty()) {
          retireLocked(w);
        }
      }
    }
  }

  @Override
  protected boolean idleLocked() {
    return live.isEmpty();
  }
}
