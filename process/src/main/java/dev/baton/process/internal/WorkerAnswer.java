package dev.baton.process.internal;

import dev.baton.core.trace.Tracer;
import dev.baton.process.PoolTrace;
import dev.baton.process.ProcessPoolException;

/**
 * A task's answer as a worker's reader received it, not yet decoded: what the future of a task that
 * is not {@link PoolJob#exposed} completes with. The caller that waits for it decodes it in its own
 * thread, so that no hostile result costs the reader anything, with no hand-off in between.
 */
final class WorkerAnswer implements PoolCalls.Undecoded {
  private final ValueCodec codec;
  private final Job job;
  private final WorkerProcess worker;
  private final Frame frame;

  WorkerAnswer(ValueCodec codec, Job job, WorkerProcess worker, Frame frame) {
    this.codec = codec;
    this.job = job;
    this.worker = worker;
    this.frame = frame;
  }

  /**
   * Completes the future of an {@link PoolJob#exposed} task with its answer, on a callback thread.
   *
   * @param codec the pool's codec
   * @param job the task
   * @param worker the worker that answered
   * @param frame its answer
   */
  static void complete(ValueCodec codec, Job job, WorkerProcess worker, Frame frame) {
    Tracer.mark(worker.lane(), PoolTrace.RESULT_RECEIVED, worker.name());
    switch (frame.type()) {
      case Frame.T_RESULT, Frame.T_ERROR ->
          Answers.complete(
              job.future,
              codec,
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
  public Object decode() {
    Answers.Where where = new Answers.Where("worker", worker, "in");
    if (frame.type() == Frame.T_RESULT) {
      return Answers.decodeResult(codec, frame.payload(), job.id, where);
    }
    throw Answers.failure(codec, frame.payload(), job.id, where);
  }
}
