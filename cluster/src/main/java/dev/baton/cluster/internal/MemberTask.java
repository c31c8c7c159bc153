package dev.baton.cluster.internal;

import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;
import dev.baton.process.Codec;
import dev.baton.process.internal.Answers;
import dev.baton.process.internal.Payloads;
import dev.baton.process.internal.SerialPolicy;
import dev.baton.process.internal.ValueCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One task as it travels to a member: the caller's codec and allow-list, the task kind, the task or
 * function as {@link dev.baton.process.internal.TaskBytes} wrote it, and the arguments in the
 * caller's codec. Hazelcast sees only bytes (this class is {@link DataSerializable}, so Hazelcast's
 * own Java deserialization never runs on a task); the member decodes them under the caller's
 * allow-list and answers with bytes too: {@link #OK} and the result in the caller's codec, or
 * {@link #FAILED} and an error record. Nothing the task throws reaches Hazelcast.
 *
 * <p>Public with a no-argument constructor because Hazelcast instantiates it on the member.
 */
public final class MemberTask implements Callable<byte[]>, DataSerializable {
  /** Reply tag: the result follows. */
  public static final byte OK = 0;

  /** Reply tag: an error record follows. */
  public static final byte FAILED = 1;

  /** Codecs a member has decoded, by their policy bytes; bounded, cleared when full. */
  private static final Map<String, ValueCodec> CODECS = new ConcurrentHashMap<>();

  private byte[] policy;
  private byte codec;
  private byte kind;
  private byte[] code;
  private byte[] values;

  /** For Hazelcast. */
  public MemberTask() {}

  /**
   * @param policy the caller's allow-list and limits ({@link #policyBytes})
   * @param codec the caller's codec
   * @param kind {@link Payloads#CALL}, {@link Payloads#MAP} or {@link Payloads#STAR}
   * @param code the serialized task or function
   * @param values the encoded arguments, or null for a task
   */
  public MemberTask(byte[] policy, Codec codec, byte kind, byte[] code, byte[] values) {
    this.policy = policy;
    this.codec = (byte) codec.ordinal();
    this.kind = kind;
    this.code = code;
    this.values = values;
  }

  /**
   * @param policy a policy
   * @return its bytes, as a task carries them
   */
  public static byte[] policyBytes(SerialPolicy policy) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      DataOutputStream out = new DataOutputStream(bytes);
      policy.writeTo(out);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("in-memory stream failed", e);
    }
  }

  @Override
  public void writeData(ObjectDataOutput out) throws IOException {
    out.writeByteArray(policy);
    out.writeByte(codec);
    out.writeByte(kind);
    out.writeByteArray(code);
    out.writeByteArray(values);
  }

  @Override
  public void readData(ObjectDataInput in) throws IOException {
    policy = in.readByteArray();
    codec = in.readByte();
    kind = in.readByte();
    code = in.readByteArray();
    values = in.readByteArray();
  }

  /** Runs on the member, on a thread of its Baton executor. */
  @Override
  public byte[] call() {
    ValueCodec valueCodec;
    Object task;
    Object arguments;
    try {
      valueCodec = codec();
      task = valueCodec.policy().deserializeCode(code, valueCodec.loader());
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

  private ValueCodec codec() throws IOException {
    String key = Arrays.toString(policy) + codec;
    ValueCodec known = CODECS.get(key);
    if (known != null) {
      return known;
    }
    if (codec < 0 || codec >= Codec.values().length) {
      throw new IOException("unknown codec " + codec);
    }
    SerialPolicy p = SerialPolicy.readFrom(new DataInputStream(new ByteArrayInputStream(policy)));
    ValueCodec made = new ValueCodec(Codec.values()[codec], p, MemberTask.class.getClassLoader());
    if (CODECS.size() >= 16) {
      CODECS.clear(); // a member serving many differently configured callers re-reads policies
    }
    CODECS.put(key, made);
    return made;
  }

  private static byte[] failed(byte errorKind, Throwable failure) {
    byte[] record = Payloads.ErrorRecord.of(errorKind, failure).encode();
    byte[] reply = new byte[record.length + 1];
    reply[0] = FAILED;
    System.arraycopy(record, 0, reply, 1, record.length);
    return reply;
  }
}
