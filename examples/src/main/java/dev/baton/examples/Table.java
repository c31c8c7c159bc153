package dev.baton.examples;

import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table with aligned columns, in the style of the article's result tables: text is
 * left-aligned, numbers right-aligned, a rule under the header.
 *
 * <p>Threading: not thread-safe; build and render on one thread.
 */
final class Table {
  private final List<String> headers;
  private final List<List<Object>> rows = new ArrayList<>();

  /**
   * @param headers the column titles; at least one
   * @throws IllegalArgumentException if there are none
   */
  Table(String... headers) {
    if (headers.length == 0) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.headers = List.of(headers);
  }

  /**
   * Adds a row. Doubles print with two decimals, other values with {@code String.valueOf}; null
   * prints as "-".
   *
   * @param cells one per column
   * @return this table
   * @throws IllegalArgumentException if the number of cells is not the number of columns
   */
  Table row(Object... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "a row needs " + headers.size() + " cells, got " + cells.length);
    }
    rows.add(java.util.Arrays.asList(cells.clone()));
    return this;
  }

  /**
   * @return the table, one line per row, each ending with a newline
   */
  String render() {
    int columns = headers.size();
    int[] widths = new int[columns];
    boolean[] numeric = new boolean[columns];
    List<String[]> texts = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      widths[c] = headers.get(c).length();
      numeric[c] = !rows.isEmpty();
    }
    for (List<Object> row : rows) {
      String[] text = new String[columns];
      for (int c = 0; c < columns; c++) {
        Object cell = row.get(c);
        text[c] = format(cell);
        widths[c] = Math.max(widths[c], text[c].length());
        numeric[c] &= cell == null || cell instanceof Number;
      }
      texts.add(text);
    }
    StringBuilder out = new StringBuilder();
    line(headers.toArray(String[]::new), widths, numeric, out);
    String[] rule = new String[columns];
    for (int c = 0; c < columns; c++) {
      rule[c] = "-".repeat(widths[c]);
    }
    line(rule, widths, numeric, out);
    for (String[] text : texts) {
      line(text, widths, numeric, out);
    }
    return out.toString();
  }

  private static String format(Object cell) {
    return switch (cell) {
      case null -> "-";
      case Double d -> String.format("%.2f", d);
      default -> String.valueOf(cell);
    };
  }

  private static void line(String[] cells, int[] widths, boolean[] numeric, StringBuilder out) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) {
        line.append("  ");
      }
      String pad = " ".repeat(widths[c] - cells[c].length());
      line.append(numeric[c] ? pad + cells[c] : cells[c] + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }
}
