package dev.baton.eventloop;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The failure of a task, kept apart from the task so that it can be logged as "never retrieved"
 * when the task is garbage-collected (through a {@link Cleaner}) or when the loop closes, whichever
 * comes first, and at most once.
 */
final class FailureReport implements Runnable {
  static final Cleaner CLEANER = Cleaner.create();

  private final String loopName;
  private final String task;
  private final Throwable error;

  /** Set on the loop thread when someone reads the failure; read by the cleaner's thread. */
  volatile boolean retrieved;

  private final AtomicBoolean reported = new AtomicBoolean();

  private final java.util.concurrent.atomic.AtomicLong counter;

  FailureReport(
      String loopName,
      String task,
      Throwable error,
      java.util.concurrent.atomic.AtomicLong counter) {
    this.counter = counter;
    this.loopName = loopName;
    this.task = task;
    this.error = error;
  }

  /** Logs the failure unless it was retrieved or already logged. Any thread. */
  @Override
  public void run() {
    if (!retrieved && reported.compareAndSet(false, true)) {
      counter.incrementAndGet();
      EventLoop.LOG.error(
          "Task exception was never retrieved: {} on loop \"{}\"", task, loopName, error);
    }
  }
}
