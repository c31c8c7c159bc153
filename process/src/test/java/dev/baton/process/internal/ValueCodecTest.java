package dev.baton.process.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.process.Codec;
import dev.baton.process.forbidden.Gadget;
import dev.baton.process.forbidden.Spot;
import java.io.NotSerializableException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class ValueCodecTest {
  record Pair(String name, List<Integer> values) {}

  private static final SerialPolicy POLICY =
      new SerialPolicy(
          java.util.stream.Stream.concat(
                  SerialPolicy.DEFAULT_PATTERNS.stream(),
                  java.util.stream.Stream.of("dev.baton.process.internal.*"))
              .toList(),
          20,
          10_000,
          1 << 20);

  private static ValueCodec codec(Codec kind) {
    return new ValueCodec(kind, POLICY, ValueCodecTest.class.getClassLoader());
  }

  @Test
  void compactTypesRoundTripWithoutJavaSerialization() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("z", 1);
    map.put("a", null);
    Object value =
        Arrays.asList(
            true,
            (byte) 1,
            (short) 2,
            'c',
            3,
            4L,
            5.5f,
            6.25,
            "text é",
            map,
            new LinkedHashSet<>(List.of(1, 2)),
            new Pair("p", List.of(7, 8)));
    ValueCodec compact = codec(Codec.COMPACT_ONLY);
    Object back = compact.decode(compact.encode(value));
    assertThat(back).isEqualTo(new ArrayList<>((List<?>) value));
    assertThat(new ArrayList<Object>(((Map<?, ?>) ((List<?>) back).get(9)).keySet()))
        .containsExactly("z", "a");
    assertThat((byte[]) compact.decode(compact.encode(new byte[] {9, 8}))).containsExactly(9, 8);
  }

  @Test
  void compactOnlyRefusesWhatNeedsJavaSerialization() {
    assertThatThrownBy(() -> codec(Codec.COMPACT_ONLY).encode(BigInteger.TEN))
        .isInstanceOf(NotSerializableException.class)
        .hasMessageContaining("COMPACT_ONLY");
  }

  @Test
  void compactFallsBackToFilteredJavaSerialization() throws Exception {
    ValueCodec compact = codec(Codec.COMPACT);
    assertThat(compact.decode(compact.encode(BigInteger.TEN))).isEqualTo(BigInteger.TEN);
    assertThatThrownBy(() -> compact.decode(compact.encode(new Gadget(1))))
        .isInstanceOf(SerialPolicy.RejectedException.class)
        .hasMessageContaining(Gadget.class.getName())
        .hasMessageContaining("allowClasses(\"dev.baton.process.forbidden.*\")");
  }

  @Test
  void aRecordOfAClassNotAllowedIsRejectedBeforeConstruction() throws Exception {
    ValueCodec compact = codec(Codec.COMPACT_ONLY);
    byte[] bytes = compact.encode(new Spot(3));
    assertThatThrownBy(() -> compact.decode(bytes))
        .isInstanceOf(SerialPolicy.RejectedException.class)
        .hasMessageContaining(Spot.class.getName());
    SerialPolicy allowing =
        new SerialPolicy(List.of("dev.baton.process.forbidden.*"), 20, 10_000, 1 << 20);
    assertThat(
            new ValueCodec(Codec.COMPACT_ONLY, allowing, getClass().getClassLoader()).decode(bytes))
        .isEqualTo(new Spot(3));
  }

  @Test
  void depthLimitsHoldInBothFormats() throws Exception {
    List<Object> deep = new ArrayList<>();
    List<Object> cursor = deep;
    for (int i = 0; i < 30; i++) {
      List<Object> next = new ArrayList<>();
      cursor.add(next);
      cursor = next;
    }
    SerialPolicy deeper = new SerialPolicy(POLICY.patterns(), 1000, 10_000, 1 << 20);
    for (Codec kind : List.of(Codec.COMPACT, Codec.JAVA)) {
      ValueCodec c = codec(kind);
      byte[] bytes = new ValueCodec(kind, deeper, getClass().getClassLoader()).encode(deep);
      assertThatThrownBy(() -> c.decode(bytes))
          .isInstanceOf(SerialPolicy.RejectedException.class)
          .hasMessageContaining("depth");
    }
    assertThatThrownBy(() -> codec(Codec.COMPACT).encode(deep))
        .isInstanceOf(SerialPolicy.RejectedException.class)
        .hasMessageContaining("depth 21 exceeds the pool's limit of 20");
  }

  private static List<Object> nested(int depth) {
    List<Object> root = new ArrayList<>();
    List<Object> cursor = root;
    for (int i = 0; i < depth; i++) {
      List<Object> next = new ArrayList<>();
      cursor.add(next);
      cursor = next;
    }
    return root;
  }

  @Test
  void aGraphDeeperThanTheStackIsRefusedNotThrownAsAnError() {
    ValueCodec lax =
        new ValueCodec(
            Codec.COMPACT,
            new SerialPolicy(POLICY.patterns(), Integer.MAX_VALUE, 10_000, 1 << 30),
            getClass().getClassLoader());
    assertThatThrownBy(() -> lax.encode(nested(1_000_000)))
        .isInstanceOf(SerialPolicy.RejectedException.class)
        .hasMessageContaining("overflowed the stack")
        .hasMessageContaining("depth limit");
  }

  @Test
  void anEncodingOverTheByteLimitIsRefusedWhileWritten() {
    for (Codec kind : List.of(Codec.COMPACT, Codec.JAVA)) {
      assertThatThrownBy(() -> codec(kind).encode(new byte[(1 << 20) + 1]))
          .isInstanceOf(SerialPolicy.RejectedException.class)
          .hasMessageContaining("over the pool's limit of 1048576 bytes");
    }
  }

  /** Forty levels of sets, each holding the same two sets of the next level: 2^40 hash paths. */
  static java.util.Set<Object> serialDos(int levels) {
    java.util.Set<Object> root = new java.util.HashSet<>();
    java.util.Set<Object> s1 = root;
    java.util.Set<Object> s2 = new java.util.HashSet<>();
    for (int i = 0; i < levels; i++) {
      java.util.Set<Object> t1 = new java.util.HashSet<>();
      java.util.Set<Object> t2 = new java.util.HashSet<>();
      t1.add("foo");
      s1.add(t1);
      s1.add(t2);
      s2.add(t1);
      s2.add(t2);
      s1 = t1;
      s2 = t2;
    }
    return root;
  }

  @Test
  void sharedSubCollectionsThatWouldHashForeverAreRefusedWithinTheWorkLimit() throws Exception {
    SerialPolicy policy = new SerialPolicy(POLICY.patterns(), 100, 10_000, 1 << 20);
    byte[] bytes = SerialPolicy.serialize(serialDos(40));
    assertThat(bytes.length).isLessThan(10_000); // within every byte, depth and reference limit
    assertThatThrownBy(() -> policy.deserialize(bytes, getClass().getClassLoader()))
        .isInstanceOf(SerialPolicy.RejectedException.class)
        .hasMessageContaining("hashing steps")
        .hasMessageContaining(Long.toString(policy.maxWork()));
    // the same shape a few levels deep reads as before
    Object small =
        policy.deserialize(SerialPolicy.serialize(serialDos(8)), getClass().getClassLoader());
    assertThat(small)
        .isInstanceOf(java.util.Set.class)
        .asInstanceOf(InstanceOfAssertFactories.COLLECTION)
        .hasSize(2);
  }

  @Test
  void theCompactCodecCountsHashingTooAndReadsOrdinarySetsOfSets() throws Exception {
    SerialPolicy tight = new SerialPolicy(POLICY.patterns(), 20, 100, 1 << 20);
    ValueCodec c = new ValueCodec(Codec.COMPACT, tight, getClass().getClassLoader());
    java.util.Set<Object> wide = new LinkedHashSet<>();
    for (int i = 0; i < 20; i++) {
      wide.add(List.of(i, List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18)));
    }
    byte[] bytes = c.encode(wide); // 20 elements of 21 values: 420 steps, the limit is 6400
    assertThat(c.decode(bytes)).isEqualTo(wide);
    java.util.Set<Object> heavy = new LinkedHashSet<>();
    for (int i = 0; i < 400; i++) {
      heavy.add(List.of(i, java.util.Collections.nCopies(20, i)));
    }
    byte[] heavyBytes = c.encode(heavy); // 400 elements of 23 values: 9200 steps
    assertThatThrownBy(() -> c.decode(heavyBytes))
        .isInstanceOf(SerialPolicy.RejectedException.class)
        .hasMessageContaining("hashing steps");
  }
}
