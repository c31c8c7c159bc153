package dev.baton.process.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The skeleton both pools share, driven by a pool that holds its tasks in a test: what each fate
 * does to a task, where failures complete, and when the pool terminates.
 */
class PoolSchedulerTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Pool pool = new Pool();

  @AfterEach
  void stop() {
    pool.idle = true;
    pool.shutdown(true);
  }

  @Test
  void aTaskThatMayHaveRunIsRetriedAtTheFrontThenFailsOnACallbackThread() throws Exception {
    Task first = pool.add(1);
    Task other = pool.add(0);
    pool.take(first);

    pool.settle(first, TaskFate.MAY_HAVE_RUN, true);
    assertThat(pool.queue).containsExactly(first, other);
    assertThat(pool.retriedCount()).isEqualTo(1);

    pool.take(first);
    // waited for on its own future: a thread waiting on the task's future may run its dependents
    CompletableFuture<String> thread =
        first.future.handle((r, t) -> Thread.currentThread().getName());
    pool.settle(first, TaskFate.MAY_HAVE_RUN, true);
    assertThat(thread.get(WAIT.toSeconds(), TimeUnit.SECONDS)).startsWith("sched-test-callbacks-");
    assertThat(first.future)
        .failsWithin(WAIT)
        .withThrowableThat()
        .havingCause()
        .withMessage("task 1 lost by holder");
    assertThat(pool.lostCount()).isEqualTo(1);
    assertThat(pool.queue).containsExactly(other);
  }

  @Test
  void aTaskThatNeverStartedOrWasStolenGoesBackToTheFrontAtNoCost() {
    Task first = pool.add(0);
    Task other = pool.add(0);
    pool.take(first);
    pool.settle(first, TaskFate.NEVER_STARTED, true);
    pool.take(first);
    pool.settle(first, TaskFate.STOLEN, true);
    assertThat(pool.queue).containsExactly(first, other);
    assertThat(pool.retriedCount()).isZero();
    assertThat(first.future).isNotDone();
  }

  @Test
  void aTimeoutOrAShutdownNowFailsATaskWhateverItsRetries() {
    Task slow = pool.add(3);
    Task crashed = pool.add(3);
    pool.take(slow);
    pool.take(crashed);
    pool.settle(slow, TaskFate.TIMED_OUT, true);
    pool.settle(crashed, TaskFate.MAY_HAVE_RUN, false);
    assertThat(slow.future)
        .failsWithin(WAIT)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(TimeoutException.class);
    assertThat(crashed.future).failsWithin(WAIT);
    assertThat(pool.queue).isEmpty();
  }

  @Test
  void anExpiredTaskFailsOnACallbackThreadNotOnTheThreadThatExpiresIt() throws Exception {
    Task task = pool.add(0);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicReference<String> thread = new AtomicReference<>();
    task.future.whenComplete(
        (r, t) -> {
          thread.set(Thread.currentThread().getName());
          entered.countDown();
          await(release); // a caller's stage that blocks
        });

    pool.expire(task.future, (id, where) -> new TimeoutException("task " + id + ": " + where));
    // returned although the dependent blocks: it runs elsewhere
    assertThat(pool.queue).isEmpty();
    assertThat(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(thread.get()).startsWith("sched-test-callbacks-");
    release.countDown();
    assertThat(task.future)
        .failsWithin(WAIT)
        .withThrowableThat()
        .havingCause()
        .withMessage("task 1: it was queued");

    pool.expire(task.future, (id, where) -> new AssertionError("expired twice")); // done: nothing
  }

  @Test
  void terminationWaitsForTheQueueTheHoldersAndEveryHandedOverCompletion() throws Exception {
    Task queued = pool.add(0);
    Task held = pool.add(0);
    pool.take(held);
    pool.idle = false;
    pool.shutdown(false);
    assertThat(pool.terminationFuture()).isNotDone();

    pool.take(queued);
    CountDownLatch release = new CountDownLatch(1);
    pool.complete(
        queued,
        () -> {
          await(release);
          queued.future.complete("done");
        });
    pool.idle = true;
    pool.check();
    assertThat(pool.terminationFuture()).isNotDone(); // a completion is still handed over

    release.countDown();
    pool.terminationFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(pool.released).isEqualTo(1);
    assertThat(pool.timer.awaitTermination(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(queued.future).isCompletedWithValue("done");
  }

  @Test
  void shutdownCancellingTheQueueCancelsQueuedTasksAndTerminates() throws Exception {
    Task queued = pool.add(0);
    pool.shutdown(true);
    assertThat(queued.future).isCancelled();
    pool.terminationFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(pool.submitLocked(new Task(99, 0))).isFalse();
  }

  @Test
  void cancellingFailsNothingTwice() {
    Task task = pool.add(0);
    task.future.cancel(false);
    pool.take(task);
    pool.settle(task, TaskFate.FINISHED, true);
    assertThat(pool.queue).isEmpty();
    assertThat(task.future).isCancelled();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Task extends PoolJob {
    final CompletableFuture<Object> future = new CompletableFuture<>();

    Task(long id, int retries) {
      super(id, retries, true);
    }

    @Override
    public CompletableFuture<Object> future() {
      return future;
    }
  }

  /** A pool whose holder is the test: it takes tasks from the queue and lets go of them. */
  private static final class Pool extends PoolScheduler<Task, String> {
    final List<Task> all = new CopyOnWriteArrayList<>();
    volatile boolean idle = true;
    int released;

    Pool() {
      super("sched-test");
    }

    Task add(int retries) {
      Task t = new Task(nextId(), retries);
      all.add(t);
      assertThat(submitLocked(t)).isTrue();
      return t;
    }

    boolean submitLocked(Task t) {
      lock.lock();
      try {
        if (!isOpenLocked()) {
          return false;
        }
        queue.addLast(t);
        return true;
      } finally {
        lock.unlock();
      }
    }

    void take(Task t) {
      lock.lock();
      try {
        assertThat(queue.remove(t)).isTrue();
      } finally {
        lock.unlock();
      }
    }

    void settle(Task t, TaskFate fate, boolean retriesAllowed) {
      lock.lock();
      try {
        settleLocked(t, fate, retriesAllowed, "holder");
      } finally {
        lock.unlock();
      }
    }

    void complete(Task t, Runnable completion) {
      lock.lock();
      try {
        completeLocked(t, completion);
      } finally {
        lock.unlock();
      }
    }

    void check() {
      lock.lock();
      try {
        tryTerminateLocked();
      } finally {
        lock.unlock();
      }
    }

    @Override
    protected boolean idleLocked() {
      return idle;
    }

    @Override
    protected void releaseLocked(Runnable done) {
      released++;
      done.run();
    }

    @Override
    protected Throwable timedOutLocked(Task task, String holder) {
      return new TimeoutException("task " + task.id + " timed out in " + holder);
    }

    @Override
    protected Throwable lostLocked(Task task, String holder) {
      return new IllegalStateException("task " + task.id + " lost by " + holder);
    }

    @Override
    protected void retryingLocked(Task task, String holder) {}

    @Override
    protected Task taskOf(CompletableFuture<Object> future) {
      for (Task t : all) {
        if (t.future == future) {
          return t;
        }
      }
      return null;
    }

    @Override
    protected String takeBackLocked(Task task) {
      queue.remove(task);
      return "it was queued";
    }
  }
}
