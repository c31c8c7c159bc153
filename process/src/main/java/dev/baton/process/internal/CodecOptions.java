package dev.baton.process.internal;

import dev.baton.process.Codec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What every pool builder configures about the values that cross to its workers, and the checks its
 * other settings share: the codec, the allow-list and the limits. {@code ProcessPool.Builder} and
 * {@code ClusterPool.Builder} delegate to one each, so both accept and refuse the same input with
 * the same message. Not thread-safe, like the builders.
 */
public final class CodecOptions {
  private Codec codec = Codec.COMPACT;
  private final List<String> allowed = new ArrayList<>(SerialPolicy.DEFAULT_PATTERNS);
  private int maxDepth = 100;
  private long maxReferences = 1_000_000;
  private long maxBytes = 256L << 20;

  /**
   * @param codec how arguments and results are written
   */
  public void codec(Codec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /**
   * @return the codec
   */
  public Codec codec() {
    return codec;
  }

  /**
   * @param patterns class patterns to allow (or, with {@code !}, to reject), before the defaults
   * @throws IllegalArgumentException for a blank pattern or one with limits in it
   */
  public void allowClasses(String... patterns) {
    for (String p : patterns) {
      if (p == null || p.isBlank() || p.contains(";") || p.contains("=")) {
        throw new IllegalArgumentException(
            "allowClasses takes class patterns like com.example.* (no ';' and no limits), got "
                + p);
      }
      allowed.add(0, p);
    }
  }

  /**
   * @param depth the deepest object graph, {@code >= 1}
   * @param references the most references in one stream, {@code >= 1}
   * @param bytes the largest value, stream and frame, from 1024 to {@code 2^31-1}
   * @throws IllegalArgumentException when one is out of range
   */
  public void deserializationLimits(int depth, long references, long bytes) {
    if (depth < 1 || references < 1 || bytes < 1024 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "deserializationLimits needs depth >= 1, references >= 1 and 1024 <= bytes <= 2^31-1;"
              + " got "
              + depth
              + ", "
              + references
              + ", "
              + bytes);
    }
    this.maxDepth = depth;
    this.maxReferences = references;
    this.maxBytes = bytes;
  }

  /**
   * @return the allow-list and limits set so far
   */
  public SerialPolicy policy() {
    return new SerialPolicy(allowed, maxDepth, maxReferences, maxBytes);
  }

  /**
   * @param policy the pool's policy, from {@link #policy()}
   * @param pool the pool class, whose loader serves when the building thread has no context loader
   * @return the caller's codec: it resolves classes through the building thread's context loader
   */
  public ValueCodec valueCodec(SerialPolicy policy, Class<?> pool) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return new ValueCodec(codec, policy, loader == null ? pool.getClassLoader() : loader);
  }

  /**
   * @param name a pool's name
   * @return it
   * @throws IllegalArgumentException when it is null or blank
   */
  public static String poolName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name must be a non-blank string");
    }
    return name;
  }

  /**
   * @param d a duration setting
   * @param what its name, for the message
   * @return it
   * @throws IllegalArgumentException when it is not positive
   */
  public static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be positive, was " + d);
    }
    return d;
  }
}
