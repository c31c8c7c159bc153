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
    for (Codec kind : List.of(Codec.COMPACT, Codec.JAVA)) {
      ValueCodec c = codec(kind);
      byte[] bytes = c.encode(deep);
      assertThatThrownBy(() -> c.decode(bytes))
          .isInstanceOf(SerialPolicy.RejectedException.class)
          .hasMessageContaining("depth");
    }
  }
}
