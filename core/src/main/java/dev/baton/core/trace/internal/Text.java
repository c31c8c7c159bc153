package dev.baton.core.trace.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * XML escaping and number formatting shared by the exporters (their JSON escaping is the public
 * {@link dev.baton.core.internal.JsonString}); locale-independent and deterministic.
 */
public final class Text {
  private Text() {}

  /**
   * Writes {@code content} to {@code file} as UTF-8, creating its parent directories.
   *
   * @param file the file
   * @param content its new content
   * @throws IOException if it cannot be written
   */
  public static void writeFile(Path file, String content) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }

  /**
   * @param text any text
   * @return {@code text} escaped for XML/HTML character data and attribute values
   */
  public static String xml(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          if (c < 0x20 && c != '\n' && c != '\t') {
            out.append(' ');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * Formats {@code value / 10^decimals} with exactly {@code decimals} digits after the point.
   *
   * @param value a scaled integer
   * @param decimals how many of its digits are decimals (0 to 9)
   * @return e.g. {@code fixed(12345, 3)} is {@code "12.345"}, {@code fixed(-5, 3)} is {@code
   *     "-0.005"}
   */
  public static String fixed(long value, int decimals) {
    if (decimals == 0) {
      return Long.toString(value);
    }
    long scale = 1;
    for (int i = 0; i < decimals; i++) {
      scale *= 10;
    }
    String sign = value < 0 ? "-" : "";
    long abs = Math.abs(value);
    String fraction = Long.toString(abs % scale);
    return sign + abs / scale + "." + "0".repeat(decimals - fraction.length()) + fraction;
  }

  /**
   * @param value a pixel coordinate
   * @return it rounded to two decimals, without trailing zeros
   */
  public static String px(double value) {
    long hundredths = Math.round(value * 100);
    String s = fixed(hundredths, 2);
    if (s.endsWith(".00")) {
      return s.substring(0, s.length() - 3);
    }
    if (s.endsWith("0")) {
      return s.substring(0, s.length() - 1);
    }
    return s;
  }
}
