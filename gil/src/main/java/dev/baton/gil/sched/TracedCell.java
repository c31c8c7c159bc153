package dev.baton.gil.sched;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A shared integer whose reads, increments and write-backs are recorded, in order, with the thread
 * that made them: the talk's race table drawn from a real run ({@link #table()}). The operations
 * are not checkpoints; the body places checkpoints where the GIL may change hands.
 *
 * <p>Threading: meant for the threads of one GIL runtime, which touch it holding the GIL; it is
 * also safe without (each operation is synchronized), but then the table shows what the JVM did.
 */
public final class TracedCell {
  /**
   * One row of the table.
   *
   * @param thread the thread's name
   * @param action {@code "read value"}, {@code "increase value"} or {@code "write back"}
   * @param value the cell's value after the action
   */
  public record Row(String thread, String action, long value) {}

  private final String name;
  private final long initial;
  private final List<Row> rows = new ArrayList<>();
  private long value;

  /**
   * @param name what the table calls the cell, e.g. {@code "Integer value"}
   * @param initial its first value
   */
  public TracedCell(String name, long initial) {
    this.name = name;
    this.initial = initial;
    this.value = initial;
  }

  /**
   * @return the value, recorded as a read
   */
  public synchronized long read() {
    rows.add(new Row(Thread.currentThread().getName(), "read value", value));
    return value;
  }

  /**
   * @param read a value read before
   * @return {@code read + 1}, recorded as an increase (the cell is unchanged)
   */
  public synchronized long increase(long read) {
    rows.add(new Row(Thread.currentThread().getName(), "increase value", value));
    return read + 1;
  }

  /**
   * @param newValue the value to store, recorded as a write-back
   */
  public synchronized void write(long newValue) {
    value = newValue;
    rows.add(new Row(Thread.currentThread().getName(), "write back", value));
  }

  /**
   * @return the value now, not recorded
   */
  public synchronized long value() {
    return value;
  }

  /**
   * @return the rows so far
   */
  public synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  /**
   * @return the talk's table, one column per thread in order of first appearance
   */
  public String table() {
    Set<String> threads = new LinkedHashSet<>();
    for (Row row : rows()) {
      threads.add(row.thread());
    }
    return table(List.copyOf(threads));
  }

  /**
   * The talk's race table: {@code Thread 1 | Thread 2 | value}, one row per read, increase and
   * write-back, with {@code <-} for a read of the cell and {@code ->} for a write to it.
   *
   * @param threads the threads' names, one column each, in this order (e.g. {@link
   *     dev.baton.gil.ScheduleLog#threads()})
   * @return the table's text
   */
  public String table(List<String> threads) {
    List<Row> all = rows();
    int width = 17;
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < threads.size(); i++) {
      out.append(pad("Thread " + (i + 1), width));
    }
    out.append("     ").append(name).append('\n');
    out.append(" ".repeat(width * threads.size() + 5))
        .append(String.format("%6d", initial))
        .append('\n');
    for (Row row : all) {
      int column = threads.indexOf(row.thread());
      if (column < 0) {
        column = threads.size();
      }
      StringBuilder line = new StringBuilder(" ".repeat(width * column));
      line.append(pad(row.action(), width));
      while (line.length() < width * threads.size()) {
        line.append(' ');
      }
      String arrow =
          switch (row.action()) {
            case "read value" -> "<-";
            case "write back" -> "->";
            default -> "  ";
          };
      line.append(' ').append(arrow).append("  ").append(String.format("%6d", row.value()));
      out.append(line).append('\n');
    }
    return out.toString();
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
  }

  @Override
  public String toString() {
    return "TracedCell[" + name + "=" + value() + "]";
  }
}
