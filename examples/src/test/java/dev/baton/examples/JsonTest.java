package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void writesNestedValuesThatParseBack() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", "quote \" backslash \\ newline \n tab \t bell \u0007");
    map.put("int", 42);
    map.put("long", 1L << 40);
    map.put("double", 1.5);
    map.put("whole_double", 3.0);
    map.put("flag", true);
    map.put("nothing", null);
    map.put("list", Arrays.asList(1, "two", null, List.of()));
    map.put("nested", Map.of("k", "v"));

    JsonNode node = mapper.readTree(Json.write(map));

    assertThat(node.get("name").asText()).isEqualTo(map.get("name"));
    assertThat(node.get("int").asInt()).isEqualTo(42);
    assertThat(node.get("long").asLong()).isEqualTo(1L << 40);
    assertThat(node.get("double").asDouble()).isEqualTo(1.5);
    assertThat(node.get("whole_double").asLong()).isEqualTo(3);
    assertThat(node.get("flag").asBoolean()).isTrue();
    assertThat(node.get("nothing").isNull()).isTrue();
    assertThat(node.get("list")).hasSize(4);
    assertThat(node.get("nested").get("k").asText()).isEqualTo("v");
    assertThat(List.copyOf(iterable(node.fieldNames())))
        .containsExactly(
            "name", "int", "long", "double", "whole_double", "flag", "nothing", "list", "nested");
  }

  @Test
  void rejectsWhatJsonCannotHold() {
    assertThatThrownBy(() -> Json.write(Double.NaN)).hasMessageContaining("NaN");
    assertThatThrownBy(() -> Json.write(new Object()))
        .hasMessageContaining("cannot write java.lang.Object");
    assertThatThrownBy(() -> Json.write(Map.of(1, 2))).hasMessageContaining("keys must be strings");
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new java.util.ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}
