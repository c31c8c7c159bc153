package dev.baton.cluster.internal;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.nio.serialization.IdentifiedDataSerializable;
import dev.baton.process.Codec;
import dev.baton.process.internal.Answers;
import dev.baton.process.internal.Payloads;
import dev.baton.process.internal.ValueCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * One task as it travels to a member: the codec it was written in, its kind, the id of the pool
 * that sent it and of its function in that pool, the task or function as {@link
 * dev.baton.process.internal.TaskBytes} wrote it, the arguments, and, in a cluster with a secret,
 * its tag ({@link ClusterKeys#signTask}). Nothing of the member's rules travels: the member decodes
 * with its own {@link MemberRules}, which Hazelcast hands it ({@link HazelcastInstanceAware}).
 *
 * <p>Hazelcast sees only an {@link IdentifiedDataSerializable} of bytes, created by {@link
 * #FACTORY} (no reflection, no Java serialization on Hazelcast's side). The member checks the tag
 * before it decodes anything, decodes under its allow-list, and answers with bytes: in a cluster
 * with a secret, the answer's tag ({@link ClusterKeys#signAnswer}) first, then {@link #OK} and the
 * result in the codec, or {@link #FAILED} and an error record. Nothing the task throws reaches
 * Hazelcast. A {@link #PROVE} task asks the member to prove that it holds the secret.
 */
public final class MemberTask
    implements Callable<byte[]>, IdentifiedDataSerializable, HazelcastInstanceAware {
  /** Reply tag: the result follows. */
  public static final byte OK = 0;

  /** Reply tag: an error record follows. */
  public static final byte FAILED = 1;

  /** Task kind: answer {@link ClusterKeys#prove} for the challenge in {@code values}. */
  public static final byte PROVE = 100;

  /** Hazelcast's factory id for Baton's types. */
  public static final int FACTORY_ID = 0x42a7_0c1;

  /** Hazelcast's class id for this type. */
  public static final int CLASS_ID = 1;

  /** Creates tasks for Hazelcast; it knows no other class id. */
  public static final DataSerializableFactory FACTORY =
      id ->
          switch (id) {
            case CLASS_ID -> new MemberTask();
            case MemberBatch.CLASS_ID -> new MemberBatch();
            default -> null;
          };

  private byte codec;
  private byte kind;
  private long poolHigh;
  private long poolLow;
  private long functionId;
  private byte[] code;
  private byte[] values;
  private byte[] tag;

  /** Set by Hazelcast on the member, before {@link #call()}; not serialized. */
  private transient HazelcastInstance member;

  private MemberTask() {}

  static MemberTask empty() {
    return new MemberTask();
  }

  /**
   * @param codec the codec the arguments are written in
   * @param kind {@link Payloads#CALL}, {@link Payloads#MAP}, {@link Payloads#STAR} or {@link
   *     #PROVE}
   * @param pool the sending pool's id
   * @param functionId the function's id in that pool, 0 when it is decoded every time
   * @param code the serialized task or function
   * @param values the encoded arguments, or null
   * @param keys the cluster's keys, to sign the task, or null without a secret
   */
  public MemberTask(
      Codec codec,
      byte kind,
      UUID pool,
      long functionId,
      byte[] code,
      byte[] values,
      ClusterKeys keys) {
    this.codec = (byte) codec.ordinal();
    this.kind = kind;
    this.poolHigh = pool.getMostSignificantBits();
    this.poolLow = pool.getLeastSignificantBits();
    this.functionId = functionId;
    this.code = code;
    this.values = values;
    this.tag = keys == null ? null : sign(keys);
  }

  private byte[] sign(ClusterKeys keys) {
    byte[] header =
        ByteBuffer.allocate(26)
            .put(codec)
            .put(kind)
            .putLong(poolHigh)
            .putLong(poolLow)
            .putLong(functionId)
            .array();
    return keys.signTask(header, code, values);
  }

  /**
   * @return the task's tag, or null when unsigned
   */
  public byte[] tag() {
    return tag;
  }

  /**
   * @return the task kind
   */
  public byte kind() {
    return kind;
  }

  @Override
  public int getFactoryId() {
    return FACTORY_ID;
  }

  @Override
  public int getClassId() {
    return CLASS_ID;
  }

  @Override
  public void setHazelcastInstance(HazelcastInstance instance) {
    this.member = instance;
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByte(codec);
    out.writeByte(kind);
    out.writeLong(poolHigh);
    out.writeLong(poolLow);
    out.writeLong(functionId);
    out.writeByteArray(code);
    out.writeByteArray(values);
    out.writeByteArray(tag);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    codec = in.readByte();
    kind = in.readByte();
    poolHigh = in.readLong();
    poolLow = in.readLong();
    functionId = in.readLong();
    code = in.readByteArray();
    values = in.readByteArray();
    tag = in.readByteArray();
  }

  /** Runs on the member, on a thread of its Baton executor. */
  @Override
  public byte[] call() {
    MemberRules rules =
        member == null ? null : (MemberRules) member.getUserContext().get(MemberRules.KEY);
    if (rules == null) {
      return failed(
          Payloads.INPUT_REJECTED, new IllegalStateException("this member runs no Baton tasks"));
    }
    ClusterKeys keys = rules.keys();
    UUID self = member.getCluster().getLocalMember().getUuid();
    if (keys != null && (tag == null || !ClusterKeys.same(sign(keys), tag))) {
      // answered unsigned: whoever sent it holds no key to check an answer with
      return failed(
          Payloads.INPUT_REJECTED,
          new SecurityException(
              (tag == null ? "an unsigned task" : "a task with a wrong tag")
                  + " was refused before anything of it was decoded: its sender does not hold"
                  + " this cluster's secret"));
    }
    if (kind == PROVE) {
      if (keys == null || values == null) {
        return failed(Payloads.INPUT_REJECTED, new SecurityException("this member has no secret"));
      }
      return keys.prove(values, self);
    }
    byte[] reply = run(rules);
    if (keys == null) {
      return reply;
    }
    byte[] answerTag = keys.signAnswer(self, tag, reply);
    byte[] signed = new byte[ClusterKeys.TAG + reply.length];
    System.arraycopy(answerTag, 0, signed, 0, ClusterKeys.TAG);
    System.arraycopy(reply, 0, signed, ClusterKeys.TAG, reply.length);
    return signed;
  }

  private byte[] run(MemberRules rules) {
    ValueCodec valueCodec = rules.codec();
    Object task;
    Object arguments;
    try {
      if (codec != rules.codecKind().ordinal()) {
        throw new IOException(
            "the task's arguments are written in codec "
                + (codec >= 0 && codec < Codec.values().length ? Codec.values()[codec] : codec)
                + " and this member reads "
                + rules.codecKind()
                + "; give the pool and its members the same codec");
      }
      task = rules.function(poolHigh, poolLow, functionId, code);
      arguments = values == null ? null : valueCodec.decode(values);
    } catch (Exception | LinkageError e) {
      return failed(Payloads.INPUT_REJECTED, e);
    }
    Object result;
    try {
      result = Answers.run(kind, task, arguments);
    } catch (Throwable t) {
      return failed(Payloads.TASK_THREW, t);
    }
    try {
      byte[] encoded = valueCodec.encode(result);
      byte[] reply = new byte[encoded.length + 1];
      reply[0] = OK;
      System.arraycopy(encoded, 0, reply, 1, encoded.length);
      return reply;
    } catch (IOException | RuntimeException | LinkageError | StackOverflowError e) {
      return failed(Payloads.RESULT_NOT_SERIALIZABLE, e);
    }
  }

  private static byte[] failed(byte errorKind, Throwable failure) {
    byte[] record = Payloads.ErrorRecord.of(errorKind, failure).encode();
    byte[] reply = new byte[record.length + 1];
    reply[0] = FAILED;
    System.arraycopy(record, 0, reply, 1, record.length);
    return reply;
  }
}
