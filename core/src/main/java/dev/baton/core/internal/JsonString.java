package dev.baton.core.internal;

import java.util.Locale;

/**
 * Writes text as a JSON string literal (RFC 8259): the exporters' escaping, shared with the modules
 * of this project that write JSON beside the traces (the GIL's schedule log, the examples' {@code
 * --json}). Quotes, backslashes and control characters are escaped; everything else, non-ASCII
 * included, is written as is, so the result is meant for UTF-8 output. Locale-independent and
 * deterministic. Not API: this package is exported to the gil module only.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class JsonString {
  private JsonString() {}

  /**
   * @param text any text
   * @return {@code text} as a JSON string literal, quotes included
   * @throws NullPointerException if {@code text} is null (write JSON's {@code null} instead)
   */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    appendQuoted(out, text);
    return out.toString();
  }

  /**
   * Appends {@code text} as a JSON string literal, quotes included.
   *
   * @param out where to append
   * @param text any text
   * @return {@code out}
   * @throws NullPointerException if either is null
   */
  public static StringBuilder appendQuoted(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }
}
