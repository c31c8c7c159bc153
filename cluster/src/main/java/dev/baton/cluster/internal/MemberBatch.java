package dev.baton.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Several tasks of one call (the chunks of one {@code map}) sent to a member in one invocation and
 * run there one after the other on one of its threads: Hazelcast's cost per invocation (a few
 * thread hand-offs on each side) is paid once for the batch. Each task keeps its own tag and its
 * answer its own; the answers travel as {@code count:int} then {@code length:int answer} each, in
 * the tasks' order. A task interrupted ends the batch's thread's run like any task's interrupt.
 */
public final class MemberBatch
    implements Callable<byte[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
  /** Hazelcast's class id for this type. */
  public static final int CLASS_ID = 2;

  private MemberTask[] tasks;
  private transient HazelcastInstance member;

  MemberBatch() {}

  /**
   * @param tasks the tasks, at least one
   */
  public MemberBatch(List<MemberTask> tasks) {
    this.tasks = tasks.toArray(new MemberTask[0]);
  }

  /**
   * Splits what {@link #call()} answered.
   *
   * @param reply the batch's answer
   * @param count how many tasks it carried
   * @return each task's answer, in order
   * @throws IllegalArgumentException when the reply does not hold {@code count} answers
   */
  public static byte[][] split(byte[] reply, int count) {
    ByteBuffer in = ByteBuffer.wrap(reply);
    if (reply.length < 4 || in.getInt() != count) {
      throw new IllegalArgumentException("a batch's answer does not hold " + count + " answers");
    }
    byte[][] out = new byte[count][];
    for (int i = 0; i < count; i++) {
      int n = in.getInt();
      if (n < 0 || n > in.remaining()) {
        throw new IllegalArgumentException("a batch's answer is cut short");
      }
      out[i] = new byte[n];
      in.get(out[i]);
    }
    return out;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
    for (MemberTask t : tasks) {
      t.setHazelcastInstance(instance);
    }
  }

  @Override
  public byte[] call() {
    byte[][] answers = new byte[tasks.length][];
    int size = 4;
    for (int i = 0; i < tasks.length; i++) {
      if (member != null) {
        tasks[i].setHazelcastInstance(member);
      }
      answers[i] = tasks[i].call();
      size += 4 + answers[i].length;
    }
    ByteBuffer out = ByteBuffer.allocate(size).putInt(tasks.length);
    for (byte[] a : answers) {
      out.putInt(a.length).put(a);
    }
    return out.array();
  }

  @Override
  public int getFactoryId() {
    return MemberTask.FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return CLASS_ID;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeInt(tasks.length);
    for (MemberTask t : tasks) {
      t.writeData(out);
    }
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    int n = in.readInt();
    if (n < 1 || n > 4096) {
      throw new IOException("a batch of " + n + " tasks");
    }
    tasks = new MemberTask[n];
    for (int i = 0; i < n; i++) {
      tasks[i] = MemberTask.empty();
      tasks[i].readData(in);
    }
  }
}
