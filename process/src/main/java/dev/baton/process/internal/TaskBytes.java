package dev.baton.process.internal;

import dev.baton.process.TaskSerializationException;
import java.io.IOException;
import java.util.List;

/**
 * What a pool does in the caller's thread before a task leaves it: the task or function becomes
 * bytes ({@link SerialPolicy#serializeCode}), the arguments become bytes in the pool's codec, and a
 * failure of either becomes a {@link TaskSerializationException} whose message says what to fix.
 * Every pool over this codec (the process pool, the cluster pool) submits through here, so a task
 * that cannot travel fails the same way, with the same message, in all of them. Stateless.
 */
public final class TaskBytes {
  private TaskBytes() {}

  /**
   * @param code a task, function or initializer
   * @return its bytes, for {@link SerialPolicy#deserializeCode}
   * @throws TaskSerializationException when it cannot be serialized
   */
  public static byte[] code(Object code) {
    return codeOf(code).bytes();
  }

  /**
   * @param code a task, function or initializer
   * @return its bytes, and whether it is stateless ({@link SerialPolicy#serializeCodeOf})
   * @throws TaskSerializationException when it cannot be serialized
   */
  public static SerialPolicy.SerializedCode codeOf(Object code) {
    try {
      return SerialPolicy.serializeCodeOf(code);
    } catch (StackOverflowError e) {
      throw new TaskSerializationException(
          "task "
              + code.getClass().getName()
              + " cannot be serialized: what it captures is nested too deeply (stack overflow)",
          e);
    } catch (IOException e) {
      throw new TaskSerializationException(
          "task "
              + code.getClass().getName()
              + " cannot be serialized ("
              + e
              + "); a task must be Serializable, and a lambda must capture only serializable"
              + " values (not the `this` of a non-serializable class)",
          e);
    }
  }

  /**
   * @param codec the pool's codec
   * @param values the arguments of one task
   * @param firstIndex the index of the first of them among the call's items, for the message
   * @return their bytes
   * @throws TaskSerializationException when one cannot be serialized
   */
  public static byte[] values(ValueCodec codec, List<?> values, int firstIndex) {
    try {
      return codec.encode(values);
    } catch (IOException e) {
      throw new TaskSerializationException(
          "an argument among items "
              + firstIndex
              + ".."
              + (firstIndex + values.size() - 1)
              + " cannot be serialized: "
              + e,
          e);
    }
  }
}
