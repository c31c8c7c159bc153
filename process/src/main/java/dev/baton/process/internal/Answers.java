package dev.baton.process.internal;

import dev.baton.process.PoolBiFunction;
import dev.baton.process.PoolFunction;
import dev.baton.process.PoolTask;
import dev.baton.process.ProcessPoolException;
import dev.baton.process.RemoteTaskException;
import dev.baton.process.TaskSerializationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's two ends, the same in every pool over this codec: {@link #run} is what a worker (a
 * process pool's worker JVM, a cluster member) does with a task's decoded code and arguments, and
 * {@link #complete} is what the caller's side does with the answer, a result in the pool's codec or
 * an {@link Payloads.ErrorRecord error record}, so that a task fails with the same exception, and
 * the same words, wherever it ran. Stateless.
 */
public final class Answers {
  private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

  private Answers() {}

  /**
   * Where a task ran, for messages, which are written only when something fails.
   *
   * @param kind {@code "worker"} or {@code "member"}
   * @param name the worker or member
   * @param preposition how a task runs there: {@code "in"} a worker, {@code "on"} a member
   */
  public record Where(String kind, Object name, String preposition) {
    @Override
    public String toString() {
      return kind + " " + name;
    }

    /**
     * @return e.g. {@code "in worker p-w1"}
     */
    public String in() {
      return preposition + " " + this;
    }
  }

  /**
   * Runs a task in a worker.
   *
   * @param kind {@link Payloads#CALL}, {@link Payloads#MAP} or {@link Payloads#STAR}
   * @param task the deserialized task or function
   * @param values the decoded arguments (a list), or null for a task
   * @return its result: a task's value, or the list of a chunk's results
   * @throws Exception what the task threw
   */
  @SuppressWarnings("unchecked")
  public static Object run(byte kind, Object task, Object values) throws Exception {
    switch (kind) {
      case Payloads.CALL -> {
        return ((PoolTask<Object>) task).call();
      }
      case Payloads.MAP -> {
        PoolFunction<Object, Object> fn = (PoolFunction<Object, Object>) task;
        List<?> items = (List<?>) values;
        List<Object> results = new ArrayList<>(items.size());
        for (Object item : items) {
          results.add(fn.apply(item));
        }
        return results;
      }
      case Payloads.STAR -> {
        PoolBiFunction<Object, Object, Object> fn = (PoolBiFunction<Object, Object, Object>) task;
        List<?> pairs = (List<?>) values;
        List<Object> results = new ArrayList<>(pairs.size());
        for (Object pair : pairs) {
          List<?> p = (List<?>) pair;
          results.add(fn.apply(p.get(0), p.get(1)));
        }
        return results;
      }
      default -> throw new IllegalArgumentException("unknown task kind " + kind);
    }
  }

  /**
   * Decodes a result.
   *
   * @param codec the caller's codec
   * @param payload the result's bytes
   * @param taskId the task, for the message
   * @param where where it ran, named in the message only if it fails
   * @return the value
   * @throws TaskSerializationException when the caller's allow-list or limits refuse it
   */
  public static Object decodeResult(ValueCodec codec, byte[] payload, long taskId, Where where) {
    try {
      return codec.decode(payload);
    } catch (IOException
        | ClassNotFoundException
        | LinkageError
        | RuntimeException
        | StackOverflowError e) {
      throw new TaskSerializationException(
          "the result of task " + taskId + " from " + where + " was refused: " + e.getMessage(), e);
    }
  }

  /**
   * Completes a task's future with its answer.
   *
   * @param future the future
   * @param codec the caller's codec
   * @param ok whether {@code payload} is a result (else an error record)
   * @param payload the answer's bytes
   * @param taskId the task, for messages
   * @param where where it ran
   */
  public static void complete(
      CompletableFuture<Object> future,
      ValueCodec codec,
      boolean ok,
      byte[] payload,
      long taskId,
      Where where) {
    if (!ok) {
      future.completeExceptionally(failure(codec, payload, taskId, where));
      return;
    }
    Object value;
    try {
      value = decodeResult(codec, payload, taskId, where);
    } catch (TaskSerializationException e) {
      future.completeExceptionally(e);
      return;
    }
    future.complete(value);
  }

  /**
   * @param codec the caller's codec, whose allow-list decides whether the original exception is
   *     deserialized
   * @param payload an error record's bytes
   * @param taskId the task, for the message
   * @param where where it ran
   * @return the failure the task's future completes with
   */
  public static ProcessPoolException failure(
      ValueCodec codec, byte[] payload, long taskId, Where where) {
    Payloads.ErrorRecord error;
    try {
      error = Payloads.ErrorRecord.decode(payload);
    } catch (IOException e) {
      return new ProcessPoolException(
          where + " sent an unreadable error record for task " + taskId, e);
    }
    String summary = error.className() + (error.message() == null ? "" : ": " + error.message());
    return switch (error.kind()) {
      case Payloads.RESULT_NOT_SERIALIZABLE ->
          new TaskSerializationException(
              "the result of task "
                  + taskId
                  + " could not be serialized "
                  + where.in()
                  + ": "
                  + summary);
      case Payloads.INPUT_REJECTED ->
          new TaskSerializationException(where + " refused task " + taskId + ": " + summary);
      default -> {
        Throwable cause = null;
        if (error.serialized().length > 0) {
          try {
            cause = (Throwable) codec.policy().deserialize(error.serialized(), codec.loader());
          } catch (IOException | ClassNotFoundException | ClassCastException | LinkageError e) {
            LOG.debug("exception of task {} kept as text: {}", taskId, e.toString());
          }
        }
        yield new RemoteTaskException(
            "task " + taskId + " failed " + where.in() + ": " + summary,
            error.className(),
            error.message(),
            error.stackTrace(),
            cause);
      }
    };
  }
}
