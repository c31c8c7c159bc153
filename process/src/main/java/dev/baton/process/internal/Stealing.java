package dev.baton.process.internal;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Taking back tasks sent ahead to busy workers while other workers sit idle, so that no task waits
 * behind a long one.
 *
 * <p>A steal is a CANCEL frame for the last task a busy worker holds, which marks the task {@code
 * stealing}. The worker answers at once, from its stdin reader, whatever its task does: CANCELLED
 * when it dropped the task unstarted (the engine puts it back at the front of the queue, {@link
 * TaskFate#STOLEN}), or STARTED when its main thread had already taken it ({@link #startedLocked}:
 * the task stays, counted as possibly run, and the mark goes). Until one of them arrives, the task
 * is where it was: if the worker dies meanwhile, the task is the head of its in-flight deque only
 * if everything before it was answered, and then it may have run.
 *
 * <p>A steal unanswered after {@value #PATIENCE_MILLIS} ms: a worker stopped by a signal (SIGSTOP,
 * SIGTSTP) would keep the task sent ahead to it, and the one it runs, until someone resumes it,
 * while other workers idle. It is killed (the only way to be sure it never runs the stolen task),
 * so its task fails or is retried as in any crash and the task behind it goes back to the queue; a
 * worker merely slow to answer (a long GC pause, a debugger) is asked again later.
 *
 * <p>Methods named {@code Locked} run under the engine's lock, which guards the tasks' marks and
 * the workers' in-flight deques.
 */
final class Stealing {
  private static final Logger LOG = LoggerFactory.getLogger(Stealing.class);

  /** How long a steal's cancel frame may go unanswered before the worker is looked at. */
  static final long PATIENCE_MILLIS = 2_000;

  private final ReentrantLock lock;
  private final ScheduledExecutorService timers;

  /**
   * @param lock the engine's lock
   * @param timers where the patience checks run
   */
  Stealing(ReentrantLock lock, ScheduledExecutorService timers) {
    this.lock = lock;
    this.timers = timers;
  }

  /**
   * Steals as many tasks as there are idle workers without a steal on its way to them.
   *
   * @param workers the workers that take tasks
   * @param canTake whether a worker may be sent a task now
   */
  void stealLocked(List<WorkerProcess> workers, Predicate<WorkerProcess> canTake) {
    int idle = 0;
    int stealing = 0;
    for (WorkerProcess w : workers) {
      if (w.inFlight.isEmpty() && canTake.test(w)) {
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
        checkLater(last, v);
      }
    }
  }

  /**
   * The worker answered STARTED: the task it was asked to drop runs (or ran) there.
   *
   * @param worker the worker
   * @param id the task
   * @return whether the worker holds that task
   */
  boolean startedLocked(WorkerProcess worker, long id) {
    for (Job j : worker.inFlight) {
      if (j.id == id) {
        j.stealing = false;
        return true;
      }
    }
    return false;
  }

  private void checkLater(Job job, WorkerProcess v) {
    try {
      timers.schedule(() -> unanswered(job, v), PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // the pool has terminated: no worker is left to wait for
    }
  }

  private void unanswered(Job job, WorkerProcess v) {
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
                + PATIENCE_MILLIS
                + " ms while another worker was idle");
        LOG.warn("worker {} is stopped by a signal and holds tasks; replacing it", v);
      } else {
        checkLater(job, v);
      }
    } finally {
      lock.unlock();
    }
  }
}
