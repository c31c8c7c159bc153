package dev.baton.process.internal;

import dev.baton.process.Codec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes and reads arguments and results: a tagged compact format for common data, and filtered
 * Java serialization for anything else (unless the codec is {@link Codec#COMPACT_ONLY}). Stateless
 * apart from its configuration; safe for any number of threads.
 *
 * <p>Limits, the same on both sides of the pipe (the worker gets the parent's policy in its init
 * frame): a value nested deeper than the policy's depth limit is refused when written and when
 * read; an encoding over its byte limit is refused when written, before the frame that would carry
 * it exists; a value whose decoding would cost more than {@link SerialPolicy#maxWork()} hashing
 * steps is refused while it is read. The compact format has no shared references, so the steps of
 * hashing an element of a set or a key of a map are the values nested in it, counted as they are
 * read; Java-serialized values are counted by {@link SerialPolicy}. A stack overflow while writing
 * or reading (a graph deeper than the stack allows, inside a Java-serialized value) is refused too,
 * with the depth limit in the message: nothing but a {@link SerialPolicy.RejectedException} or
 * another {@link IOException} leaves {@link #encode} and {@link #decode}.
 */
public final class ValueCodec {
  private static final byte NULL = 0;
  private static final byte FALSE = 1;
  private static final byte TRUE = 2;
  private static final byte BYTE = 3;
  private static final byte SHORT = 4;
  private static final byte CHAR = 5;
  private static final byte INT = 6;
  private static final byte LONG = 7;
  private static final byte FLOAT = 8;
  private static final byte DOUBLE = 9;
  private static final byte STRING = 10;
  private static final byte BYTES = 11;
  private static final byte LIST = 12;
  private static final byte SET = 13;
  private static final byte MAP = 14;
  private static final byte RECORD = 15;
  private static final byte JAVA = 16;

  private final Codec codec;
  private final SerialPolicy policy;
  private final ClassLoader loader;

  /**
   * @param codec the format
   * @param policy what may be read
   * @param loader where classes are looked up
   */
  public ValueCodec(Codec codec, SerialPolicy policy, ClassLoader loader) {
    this.codec = codec;
    this.policy = policy;
    this.loader = loader;
  }

  /**
   * @return the deserialization policy
   */
  public SerialPolicy policy() {
    return policy;
  }

  /**
   * @return the class loader used to resolve classes
   */
  public ClassLoader loader() {
    return loader;
  }

  /**
   * @param value a value
   * @return its bytes
   * @throws IOException when it cannot be written (not serializable, or refused by the codec)
   */
  public byte[] encode(Object value) throws IOException {
    BoundedBuffer bytes = new BoundedBuffer(policy.maxBytes());
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      write(value, out, 1);
    } catch (StackOverflowError e) {
      throw policy.stackOverflow("encoding");
    }
    out.flush();
    return bytes.toByteArray();
  }

  /**
   * @param bytes what {@link #encode} produced
   * @return the value
   * @throws IOException when the bytes are malformed or the policy rejects them
   * @throws ClassNotFoundException when a class is missing
   */
  public Object decode(byte[] bytes) throws IOException, ClassNotFoundException {
    DataInputStream in = new DataInputStream(new ArrayInput(bytes));
    try {
      return read(in, 1, new Work());
    } catch (StackOverflowError e) {
      throw policy.stackOverflow("decoding");
    }
  }

  /**
   * What one decoding has cost so far: values read, and hashing steps spent on elements of sets and
   * keys of maps. Confined to the decoding thread.
   */
  private static final class Work {
    long values;
    long hashing;
  }

  /**
   * A byte buffer that refuses to grow past the pool's byte limit, so that an oversized value fails
   * while it is written, with bounded memory, instead of as an oversized frame. Confined to the
   * encoding thread, so its writes take no lock ({@code ByteArrayOutputStream}'s are synchronized,
   * which costs a lock per element of a large list).
   */
  static final class BoundedBuffer extends ByteArrayOutputStream {
    private final long limit;

    BoundedBuffer(long limit) {
      super(64);
      this.limit = limit;
    }

    @Override
    public void write(int b) {
      ensure(1);
      buf[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      ensure(len);
      System.arraycopy(b, off, buf, count, len);
      count += len;
    }

    private void ensure(int more) {
      long needed = count + (long) more;
      if (needed > limit) {
        throw new TooLargeException(needed, limit);
      }
      if (needed > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(needed, 2L * buf.length)));
      }
    }
  }

  /** A byte array read without a lock ({@code ByteArrayInputStream}'s reads are synchronized). */
  private static final class ArrayInput extends java.io.InputStream {
    private final byte[] bytes;
    private int pos;

    ArrayInput(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      int n = Math.min(len, bytes.length - pos);
      if (n <= 0) {
        return -1;
      }
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }

    @Override
    public long skip(long n) {
      long k = Math.max(0, Math.min(n, bytes.length - pos));
      pos += (int) k;
      return k;
    }

    @Override
    public int available() {
      return bytes.length - pos;
    }
  }

  /**
   * Unchecked inside {@link BoundedBuffer} (its write methods declare nothing), checked outside.
   */
  private static final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long reached, long limit) {
      super(
          "the encoding reached at least "
              + reached
              + " bytes, over the pool's limit of "
              + limit
              + " bytes (ProcessPool.Builder.deserializationLimits)");
    }
  }

  private void write(Object value, DataOutputStream out, int depth) throws IOException {
    policy.checkDepth(depth);
    try {
      writeValue(value, out, depth);
    } catch (TooLargeException e) {
      throw new SerialPolicy.RejectedException(e.getMessage());
    }
  }

  private void writeValue(Object value, DataOutputStream out, int depth) throws IOException {
    if (codec == Codec.JAVA) {
      java(value, out);
      return;
    }
    switch (value) {
      case null -> out.writeByte(NULL);
      case Boolean b -> out.writeByte(b ? TRUE : FALSE);
      case Byte b -> {
        out.writeByte(BYTE);
        out.writeByte(b);
      }
      case Short s -> {
        out.writeByte(SHORT);
        out.writeShort(s);
      }
      case Character c -> {
        out.writeByte(CHAR);
        out.writeChar(c);
      }
      case Integer i -> {
        out.writeByte(INT);
        out.writeInt(i);
      }
      case Long l -> {
        out.writeByte(LONG);
        out.writeLong(l);
      }
      case Float f -> {
        out.writeByte(FLOAT);
        out.writeFloat(f);
      }
      case Double d -> {
        out.writeByte(DOUBLE);
        out.writeDouble(d);
      }
      case String s -> {
        out.writeByte(STRING);
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
      }
      case byte[] b -> {
        out.writeByte(BYTES);
        out.writeInt(b.length);
        out.write(b);
      }
      case List<?> list -> collection(LIST, list, out, depth);
      case Set<?> set -> collection(SET, set, out, depth);
      case Map<?, ?> map -> {
        out.writeByte(MAP);
        out.writeInt(map.size());
        for (Map.Entry<?, ?> e : map.entrySet()) {
          write(e.getKey(), out, depth + 1);
          write(e.getValue(), out, depth + 1);
        }
      }
      case Record r when r.getClass().getRecordComponents() != null && accessible(r) ->
          record(r, out, depth);
      default -> java(value, out);
    }
  }

  private void collection(byte tag, Collection<?> items, DataOutputStream out, int depth)
      throws IOException {
    out.writeByte(tag);
    out.writeInt(items.size());
    int written = 0;
    for (Object item : items) {
      write(item, out, depth + 1);
      written++;
    }
    if (written != items.size()) {
      throw new IOException("collection changed size while being written");
    }
  }

  private static boolean accessible(Record r) {
    try {
      for (RecordComponent c : r.getClass().getRecordComponents()) {
        c.getAccessor().setAccessible(true);
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void record(Record r, DataOutputStream out, int depth) throws IOException {
    out.writeByte(RECORD);
    out.writeUTF(r.getClass().getName());
    RecordComponent[] components = r.getClass().getRecordComponents();
    out.writeInt(components.length);
    for (RecordComponent c : components) {
      Object v;
      try {
        java.lang.reflect.Method accessor = c.getAccessor();
        accessor.setAccessible(true);
        v = accessor.invoke(r);
      } catch (ReflectiveOperationException e) {
        throw new IOException("cannot read component " + c.getName() + " of " + r.getClass(), e);
      }
      write(v, out, depth + 1);
    }
  }

  private void java(Object value, DataOutputStream out) throws IOException {
    if (codec == Codec.COMPACT_ONLY) {
      throw new NotSerializableException(
          (value == null ? "null" : value.getClass().getName())
              + " is not a type of the compact codec and the pool's codec is COMPACT_ONLY");
    }
    if (value != null && !(value instanceof Serializable)) {
      throw new NotSerializableException(value.getClass().getName());
    }
    byte[] bytes = SerialPolicy.serialize(value, new BoundedBuffer(policy.maxBytes()));
    out.writeByte(JAVA);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private Object read(DataInputStream in, int depth, Work work)
      throws IOException, ClassNotFoundException {
    policy.checkDepth(depth);
    work.values++;
    byte tag = in.readByte();
    return switch (tag) {
      case NULL -> null;
      case FALSE -> Boolean.FALSE;
      case TRUE -> Boolean.TRUE;
      case BYTE -> in.readByte();
      case SHORT -> in.readShort();
      case CHAR -> in.readChar();
      case INT -> in.readInt();
      case LONG -> in.readLong();
      case FLOAT -> in.readFloat();
      case DOUBLE -> in.readDouble();
      case STRING -> new String(bytes(in), StandardCharsets.UTF_8);
      case BYTES -> bytes(in);
      case LIST -> {
        int n = length(in);
        List<Object> list = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
          list.add(read(in, depth + 1, work));
        }
        yield list;
      }
      case SET -> {
        int n = length(in);
        Set<Object> set = LinkedHashSet.newLinkedHashSet(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
          set.add(hashed(in, depth + 1, work));
        }
        yield set;
      }
      case MAP -> {
        int n = length(in);
        Map<Object, Object> map = LinkedHashMap.newLinkedHashMap(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
          Object k = hashed(in, depth + 1, work);
          map.put(k, read(in, depth + 1, work));
        }
        yield map;
      }
      case RECORD -> readRecord(in, depth, work);
      case JAVA -> {
        if (codec == Codec.COMPACT_ONLY) {
          throw new SerialPolicy.RejectedException(
              "a Java-serialized value arrived but the pool's codec is COMPACT_ONLY");
        }
        yield policy.deserialize(bytes(in), loader);
      }
      default -> throw new IOException("unknown value tag " + tag);
    };
  }

  /**
   * Reads a value about to be hashed (a set's element, a map's key) and charges its hashing: one
   * step per value nested in it, since compact values share nothing.
   */
  private Object hashed(DataInputStream in, int depth, Work work)
      throws IOException, ClassNotFoundException {
    long before = work.values;
    Object value = read(in, depth, work);
    work.hashing += work.values - before;
    policy.checkWork(work.hashing);
    return value;
  }

  private Object readRecord(DataInputStream in, int depth, Work work)
      throws IOException, ClassNotFoundException {
    String name = in.readUTF();
    Class<?> type = Class.forName(name, false, loader);
    policy.checkClass(type);
    if (!type.isRecord()) {
      throw new IOException(name + " arrived as a record but is not one");
    }
    RecordComponent[] components = type.getRecordComponents();
    int n = in.readInt();
    if (n != components.length) {
      throw new IOException(
          name + " arrived with " + n + " components but has " + components.length);
    }
    Class<?>[] types = new Class<?>[n];
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      types[i] = components[i].getType();
      values[i] = read(in, depth + 1, work);
    }
    try {
      Constructor<?> ctor = type.getDeclaredConstructor(types);
      ctor.setAccessible(true);
      return ctor.newInstance(values);
    } catch (ReflectiveOperationException | IllegalArgumentException e) {
      throw new IOException("cannot construct record " + name + ": " + e, e);
    }
  }

  private byte[] bytes(DataInputStream in) throws IOException {
    int n = length(in);
    byte[] b = in.readNBytes(n);
    if (b.length != n) {
      throw new java.io.EOFException("value ended after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  private int length(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > policy.maxBytes()) {
      throw new SerialPolicy.RejectedException(
          "length " + n + " outside the pool's limit [0, " + policy.maxBytes() + "]");
    }
    return n;
  }
}
