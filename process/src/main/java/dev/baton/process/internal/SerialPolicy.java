package dev.baton.process.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.util.ArrayList;
import java.util.List;

/**
 * What may be deserialized, on both sides: an allow-list of class patterns (the JDK's {@link
 * ObjectInputFilter.Config#createFilter} syntax) where a class no pattern decides is rejected, and
 * limits on depth, references, stream bytes and array length, and on work. Immutable; one instance
 * serves any number of threads.
 *
 * <p>Work: depth, references and bytes do not bound the time a stream takes to read. A graph of
 * allowed JDK classes that shares sub-collections (forty levels of sets, each holding the same two
 * sets of the next level) is a few kilobytes, yet hashing it while a {@code HashSet} reads its
 * elements visits every path through it, 2^40 of them. So every stream counts the steps that
 * hashing its collections, maps and records may take: when an object has been read (its {@code
 * resolveObject} call, which comes before any container hashes it), its cost is one plus the costs
 * of its elements, keys, values or components, as already counted (a shared object counts each time
 * it is reached, exactly as {@code hashCode} reaches it). The stream is refused when the sum of the
 * costs of its containers passes {@link #maxWork()}: hashing has then done at most about twice that
 * many steps. The sum over-counts (a list is charged although only the elements of sets and keys of
 * maps are hashed), so the limit is generous: {@value #WORK_PER_REFERENCE} steps per allowed
 * reference. Equality checks between keys whose hashes collide are not counted.
 */
public final class SerialPolicy {

  /** Classes allowed when the pool adds none: the JDK's data types, lambdas and our exceptions. */
  public static final List<String> DEFAULT_PATTERNS =
      List.of(
          "java.lang.*",
          "java.lang.invoke.SerializedLambda",
          "java.util.*",
          "java.time.*",
          "java.math.*",
          "dev.baton.process.*");

  /** Hashing steps allowed per reference of the reference limit; see the class comment. */
  public static final int WORK_PER_REFERENCE = 64;

  private final List<String> patterns;
  private final int maxDepth;
  private final long maxReferences;
  private final long maxBytes;
  private final ObjectInputFilter classes;

  /**
   * @param patterns allowed class patterns, in order
   * @param maxDepth deepest object graph
   * @param maxReferences most references in one stream
   * @param maxBytes most bytes in one stream (and in one frame)
   */
  public SerialPolicy(List<String> patterns, int maxDepth, long maxReferences, long maxBytes) {
    this.patterns = List.copyOf(patterns);
    this.maxDepth = maxDepth;
    this.maxReferences = maxReferences;
    this.maxBytes = maxBytes;
    this.classes = ObjectInputFilter.Config.createFilter(String.join(";", this.patterns));
  }

  /**
   * @return the largest frame payload either side accepts
   */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * @return the deepest object graph either side writes or reads
   */
  public int maxDepth() {
    return maxDepth;
  }

  /**
   * @return the most hashing steps one value may cost to read, {@value #WORK_PER_REFERENCE} times
   *     the reference limit
   */
  public long maxWork() {
    return maxReferences * WORK_PER_REFERENCE;
  }

  /**
   * @param work the hashing steps a value has cost so far
   * @throws RejectedException when they exceed {@link #maxWork()}
   */
  public void checkWork(long work) throws RejectedException {
    if (work > maxWork()) {
      throw new RejectedException(
          "reading the value would take more than "
              + maxWork()
              + " hashing steps, the pool's limit ("
              + WORK_PER_REFERENCE
              + " per allowed reference): its sets or maps share sub-collections, whose hash"
              + " codes cost exponential time (the \"SerialDOS\" shape)");
    }
  }

  /**
   * @param what "encoding" or "decoding"
   * @return the refusal of a value whose {@code what} overflowed the stack
   */
  public RejectedException stackOverflow(String what) {
    return new RejectedException(
        what
            + " the value overflowed the stack: it is nested too deeply (the pool's depth limit is "
            + maxDepth
            + ")");
  }

  /**
   * @return the allowed class patterns
   */
  public List<String> patterns() {
    return patterns;
  }

  /**
   * Checks one class as the filter would, for formats that name classes without Java serialization
   * (the compact codec's records).
   *
   * @param type the class
   * @throws RejectedException when the allow-list does not allow it
   */
  public void checkClass(Class<?> type) throws RejectedException {
    if (!allowed(type)) {
      throw new RejectedException(notAllowed(type.getName()));
    }
  }

  /**
   * @param depth the nesting depth reached
   * @throws RejectedException when it exceeds the limit
   */
  public void checkDepth(int depth) throws RejectedException {
    if (depth > maxDepth) {
      throw new RejectedException(
          "object graph depth " + depth + " exceeds the pool's limit of " + maxDepth);
    }
  }

  private boolean allowed(Class<?> type) {
    Class<?> c = type;
    while (c.isArray()) {
      c = c.getComponentType();
    }
    if (c.isPrimitive()) {
      return true;
    }
    return classes.checkInput(new ClassOnly(c)) == ObjectInputFilter.Status.ALLOWED;
  }

  private String notAllowed(String className) {
    return "class "
        + className
        + " is not on the process pool's deserialization allow-list "
        + patterns
        + "; allow it with ProcessPool.Builder.allowClasses(\""
        + packagePattern(className)
        + "\") if it is trusted";
  }

  private static String packagePattern(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? className : className.substring(0, dot) + ".*";
  }

  /**
   * Java-serializes a value.
   *
   * @param value the value
   * @return its bytes
   * @throws IOException when it, or something it references, is not serializable
   */
  public static byte[] serialize(Object value) throws IOException {
    return serialize(value, new ByteArrayOutputStream(256));
  }

  /**
   * Java-serializes a value into a buffer, which may refuse to grow.
   *
   * @param value the value
   * @param bytes the buffer
   * @return its bytes
   * @throws IOException when it, or something it references, is not serializable
   */
  static byte[] serialize(Object value, ByteArrayOutputStream bytes) throws IOException {
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    return bytes.toByteArray();
  }

  /**
   * Java-serializes submitted code (a task, function or initializer) together with the names of its
   * own classes: the class of each object in it whose class is not hidden, and the capturing class
   * of each lambda in it. The worker allows exactly these names for this blob, on top of the
   * allow-list: code its parent submitted is trusted, data in it still passes the allow-list.
   *
   * @param code the task, function or initializer
   * @return the blob for {@link #deserializeCode}
   * @throws IOException when it is not serializable
   */
  public static byte[] serializeCode(Object code) throws IOException {
    ByteArrayOutputStream java = new ByteArrayOutputStream(512);
    java.util.Set<String> names = new java.util.LinkedHashSet<>();
    if (!code.getClass().isHidden()) {
      names.add(code.getClass().getName());
    }
    try (ObjectOutputStream out = new CodeOutputStream(java, names)) {
      out.writeObject(code);
    }
    ByteArrayOutputStream blob = new ByteArrayOutputStream(java.size() + 64);
    DataOutputStream out = new DataOutputStream(blob);
    out.writeInt(names.size());
    for (String n : names) {
      out.writeUTF(n);
    }
    java.writeTo(out);
    out.flush();
    return blob.toByteArray();
  }

  /**
   * Deserializes what {@link #serializeCode} wrote, allowing its own classes by exact name.
   *
   * @param blob the blob
   * @param loader where classes are looked up
   * @return the task, function or initializer
   * @throws IOException when the blob is malformed or the policy rejects it
   * @throws ClassNotFoundException when a class is missing
   */
  public Object deserializeCode(byte[] blob, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(blob));
    int n = in.readInt();
    if (n < 0 || n > 10_000) {
      throw new IOException("malformed task: " + n + " class names");
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < n; i++) {
      names.add(in.readUTF());
    }
    return deserialize(in.readAllBytes(), loader, names);
  }

  /** Records the classes of the code it writes, and the capturing class of every lambda. */
  private static final class CodeOutputStream extends ObjectOutputStream {
    private final java.util.Set<String> names;

    CodeOutputStream(ByteArrayOutputStream out, java.util.Set<String> names) throws IOException {
      super(out);
      this.names = names;
      enableReplaceObject(true);
    }

    @Override
    protected Object replaceObject(Object obj) {
      if (obj instanceof java.lang.invoke.SerializedLambda lambda) {
        names.add(lambda.getCapturingClass().replace('/', '.'));
        names.add(lambda.getFunctionalInterfaceClass().replace('/', '.'));
      }
      return obj;
    }
  }

  /**
   * Java-deserializes bytes through this policy.
   *
   * @param bytes the stream
   * @param loader where classes are looked up
   * @return the object
   * @throws RejectedException when the policy rejects a class or a limit
   * @throws IOException when the stream is malformed
   * @throws ClassNotFoundException when a class is missing
   */
  public Object deserialize(byte[] bytes, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    return deserialize(bytes, loader, java.util.Set.of());
  }

  private Object deserialize(byte[] bytes, ClassLoader loader, java.util.Set<String> alsoAllowed)
      throws IOException, ClassNotFoundException {
    StreamFilter filter = new StreamFilter(alsoAllowed);
    try (ObjectInputStream in = new LoaderObjectInputStream(bytes, loader, this)) {
      in.setObjectInputFilter(filter);
      return in.readObject();
    } catch (StackOverflowError e) {
      throw stackOverflow("decoding");
    } catch (InvalidClassException e) {
      if (filter.rejection != null) {
        throw new RejectedException(filter.rejection);
      }
      throw e;
    }
  }

  /**
   * @param out where the policy goes (the worker's init frame)
   * @throws IOException when the stream fails
   */
  public void writeTo(DataOutputStream out) throws IOException {
    out.writeInt(patterns.size());
    for (String p : patterns) {
      out.writeUTF(p);
    }
    out.writeInt(maxDepth);
    out.writeLong(maxReferences);
    out.writeLong(maxBytes);
  }

  /**
   * @param in the stream written by {@link #writeTo}
   * @return the policy
   * @throws IOException when the stream fails
   */
  public static SerialPolicy readFrom(DataInputStream in) throws IOException {
    int n = in.readInt();
    List<String> patterns = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      patterns.add(in.readUTF());
    }
    return new SerialPolicy(patterns, in.readInt(), in.readLong(), in.readLong());
  }

  /** Deserialization was refused by the policy; the message says which class or limit. */
  public static final class RejectedException extends IOException {
    private static final long serialVersionUID = 1L;

    RejectedException(String message) {
      super(message);
    }
  }

  /** The filter of one stream: remembers why it rejected, for a clear message. */
  private final class StreamFilter implements ObjectInputFilter {
    /** Classes allowed by exact name for this stream only. */
    private final java.util.Set<String> alsoAllowed;

    /** Written and read by the deserializing thread only. */
    String rejection;

    StreamFilter(java.util.Set<String> alsoAllowed) {
      this.alsoAllowed = alsoAllowed;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > maxDepth) {
        rejection =
            "object graph depth " + info.depth() + " exceeds the pool's limit of " + maxDepth;
        return Status.REJECTED;
      }
      if (info.references() > maxReferences) {
        rejection = info.references() + " references exceed the pool's limit of " + maxReferences;
        return Status.REJECTED;
      }
      if (info.streamBytes() > maxBytes) {
        rejection = info.streamBytes() + " bytes exceed the pool's limit of " + maxBytes;
        return Status.REJECTED;
      }
      if (info.arrayLength() > maxBytes) {
        rejection =
            "array length " + info.arrayLength() + " exceeds the pool's limit of " + maxBytes;
        return Status.REJECTED;
      }
      Class<?> type = info.serialClass();
      if (type == null) {
        return Status.UNDECIDED;
      }
      // a lambda's hidden class, returned by readResolve, is as trusted as its capturing class
      Class<?> named = type.isHidden() ? type.getNestHost() : type;
      if (allowed(named) || alsoAllowed.contains(named.getName())) {
        return Status.ALLOWED;
      }
      rejection = notAllowed(type.getName());
      return Status.REJECTED;
    }
  }

  /** Filter input naming one class, for {@link #checkClass}. */
  private record ClassOnly(Class<?> serialClass) implements ObjectInputFilter.FilterInfo {
    @Override
    public long arrayLength() {
      return -1;
    }

    @Override
    public long depth() {
      return 1;
    }

    @Override
    public long references() {
      return 0;
    }

    @Override
    public long streamBytes() {
      return 0;
    }
  }

  /**
   * Resolves classes through a given loader rather than the caller's, and counts the hashing work
   * of what it reads (see the class comment).
   */
  private static final class LoaderObjectInputStream extends ObjectInputStream {
    private final ClassLoader loader;
    private final SerialPolicy policy;

    /** Cost of each container read so far, by identity. Confined to the reading thread. */
    private final java.util.IdentityHashMap<Object, Long> costs = new java.util.IdentityHashMap<>();

    private long work;

    LoaderObjectInputStream(byte[] bytes, ClassLoader loader, SerialPolicy policy)
        throws IOException {
      super(new ByteArrayInputStream(bytes));
      this.loader = loader;
      this.policy = policy;
      enableResolveObject(true);
    }

    @Override
    protected Object resolveObject(Object obj) throws IOException {
      long cost;
      if (obj instanceof java.util.Collection<?> c) {
        cost = 1;
        for (Object e : c) {
          cost += costOf(e);
        }
      } else if (obj instanceof java.util.Map<?, ?> m) {
        cost = 1;
        for (java.util.Map.Entry<?, ?> e : m.entrySet()) {
          cost += costOf(e.getKey()) + costOf(e.getValue());
        }
      } else if (obj instanceof Record r) {
        cost = 1;
        for (java.lang.reflect.RecordComponent rc : r.getClass().getRecordComponents()) {
          cost += costOf(component(rc, r));
        }
      } else {
        return obj;
      }
      costs.put(obj, cost);
      work += cost;
      policy.checkWork(work);
      return obj;
    }

    private static Object component(java.lang.reflect.RecordComponent rc, Record r) {
      try {
        java.lang.reflect.Method accessor = rc.getAccessor();
        accessor.setAccessible(true);
        return accessor.invoke(r);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null; // counted as a leaf
      }
    }

    private long costOf(Object o) {
      Long c = costs.get(o);
      return c == null ? 1 : c;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc)
        throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
