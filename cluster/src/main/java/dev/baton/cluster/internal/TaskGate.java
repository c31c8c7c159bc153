package dev.baton.cluster.internal;

import com.hazelcast.core.ManagedContext;
import java.util.concurrent.Callable;

/**
 * A member's gate for what Hazelcast's executors run: Hazelcast passes every task it has
 * deserialized for an executor (of any name) through its managed context before it runs it, and
 * this one lets only Baton's {@link MemberTask} and {@link MemberBatch} through. A raw client's
 * {@link Callable} or {@link Runnable} fails there, before its {@code call()} or {@code run()}; its
 * deserialization was already refused earlier, for a {@code Serializable} one, by the Java
 * serialization filter that {@link Settings#memberConfig} sets.
 */
final class TaskGate implements ManagedContext {
  @Override
  public Object initialize(Object obj) {
    if ((obj instanceof Callable<?> || obj instanceof Runnable)
        && !(obj instanceof MemberTask)
        && !(obj instanceof MemberBatch)) {
      throw new SecurityException(
          "this Baton member runs only Baton's tasks; refused "
              + obj.getClass().getName()
              + " sent to one of its executors");
    }
    return obj;
  }
}
