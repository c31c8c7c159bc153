package dev.baton.cluster.internal;

import dev.baton.process.Codec;
import dev.baton.process.internal.ValueCodec;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a member applies to every task it is sent, all of it the member's own configuration and none
 * of it taken from the task: its codec, allow-list and limits (one {@link ValueCodec}), the
 * cluster's keys when it has a secret, and its cache of decoded functions. Hazelcast hands it to
 * {@link MemberTask} through the member's user context ({@link #KEY}).
 *
 * <p>Cache: a stateless task or a map's function carries a non-zero id that its pool gives it for
 * the pool's lifetime; the member keeps what it decoded under (pool, id), with the bytes it
 * decoded, and decodes again only when the bytes differ (another pool cannot reuse an entry: its id
 * is another key). A task sent 10 000 times is decoded once per member, even when its first copies
 * arrive on several task threads at once: one decodes under the map's lock for that key, the others
 * wait for it. Bounded: cleared when full.
 *
 * <p>Threading: immutable but for the cache, a concurrent map; the decode counter is for tests and
 * benchmarks.
 */
public final class MemberRules {
  /** The key of a member's rules in its Hazelcast user context. */
  public static final String KEY = "dev.baton.cluster.rules";

  private static final int CACHE_LIMIT = 1024;

  private final Codec codecKind;
  private final ValueCodec codec;
  private final ClusterKeys keys;
  private final Map<FunctionKey, Decoded> functions = new ConcurrentHashMap<>();
  private final AtomicLong decodes = new AtomicLong();

  /**
   * @param codecKind the member's codec
   * @param codec the member's codec, allow-list and limits
   * @param keys the cluster's keys, or null when the cluster has no secret
   */
  public MemberRules(Codec codecKind, ValueCodec codec, ClusterKeys keys) {
    this.codecKind = codecKind;
    this.codec = codec;
    this.keys = keys;
  }

  /**
   * @return the codec the member reads and writes values in
   */
  public Codec codecKind() {
    return codecKind;
  }

  /**
   * @return the member's codec
   */
  public ValueCodec codec() {
    return codec;
  }

  /**
   * @return the cluster's keys, or null without a secret
   */
  public ClusterKeys keys() {
    return keys;
  }

  /**
   * @return how many tasks and functions this member has decoded (not counting cache hits)
   */
  public long decodes() {
    return decodes.get();
  }

  /**
   * @param poolHigh the sending pool's id, high bits
   * @param poolLow its low bits
   * @param functionId the function's id in that pool, or 0 for code that is decoded every time
   * @param code its bytes
   * @return the decoded task or function
   * @throws Exception when the member's allow-list or limits refuse it
   */
  Object function(long poolHigh, long poolLow, long functionId, byte[] code) throws Exception {
    if (functionId == 0) {
      decodes.incrementAndGet();
      return codec.policy().deserializeCode(code, codec.loader());
    }
    FunctionKey key = new FunctionKey(poolHigh, poolLow, functionId);
    Decoded known = functions.get(key);
    if (known != null && Arrays.equals(known.code, code)) {
      return known.function;
    }
    if (known == null && functions.size() >= CACHE_LIMIT) {
      functions.clear(); // a member serving many pools decodes again
    }
    try {
      // the chunks of one map arrive on several task threads at once: one decodes, the others wait
      return functions.compute(
              key, (k, old) -> old != null && Arrays.equals(old.code, code) ? old : decode(code))
          .function;
    } catch (Undecodable e) {
      throw e.reason;
    }
  }

  private Decoded decode(byte[] code) {
    decodes.incrementAndGet();
    try {
      return new Decoded(code, codec.policy().deserializeCode(code, codec.loader()));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new Undecodable(e);
    }
  }

  /** Carries a checked failure of decoding out of the cache's compute. */
  private static final class Undecodable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("serial") // never serialized: caught in function()
    final Exception reason;

    Undecodable(Exception reason) {
      super(null, null, false, false);
      this.reason = reason;
    }
  }

  private record FunctionKey(long poolHigh, long poolLow, long functionId) {}

  private record Decoded(byte[] code, Object function) {}
}
