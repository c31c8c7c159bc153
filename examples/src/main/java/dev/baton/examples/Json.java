package dev.baton.examples;

import dev.baton.core.internal.JsonString;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the examples' figures as JSON: maps (in their iteration order), lists, strings, numbers,
 * booleans and null, strings escaped by {@link JsonString}. Writing only; the examples never parse
 * JSON.
 */
final class Json {
  private Json() {}

  /**
   * @param value a map, list, string, number, boolean or null (nested freely)
   * @return its JSON text on one line
   * @throws IllegalArgumentException for any other type, or a non-finite number
   */
  static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    switch (value) {
      case null -> out.append("null");
      case String s -> string(s, out);
      case Boolean b -> out.append(b);
      case Double d -> number(d, out);
      case Float f -> number(f.doubleValue(), out);
      case Number n -> out.append(n);
      case Map<?, ?> map -> {
        out.append('{');
        Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
        while (it.hasNext()) {
          Map.Entry<?, ?> e = it.next();
          if (!(e.getKey() instanceof String key)) {
            throw new IllegalArgumentException("JSON object keys must be strings: " + e.getKey());
          }
          string(key, out);
          out.append(':');
          write(e.getValue(), out);
          if (it.hasNext()) {
            out.append(',');
          }
        }
        out.append('}');
      }
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(list.get(i), out);
        }
        out.append(']');
      }
      default ->
          throw new IllegalArgumentException(
              "cannot write " + value.getClass().getName() + " as JSON");
    }
  }

  private static void number(double d, StringBuilder out) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("JSON has no representation for " + d);
    }
    if (d == Math.rint(d) && Math.abs(d) < 1e15) {
      out.append((long) d);
    } else {
      out.append(d);
    }
  }

  private static void string(String s, StringBuilder out) {
    JsonString.appendQuoted(out, s);
  }
}
