package dev.baton.gil;

import dev.baton.core.internal.JsonString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hand-offs of one run of a runtime under a {@link GilSchedule}: which thread got the GIL
 * first, then each time the GIL moved from one thread to another, where the giving thread was. A
 * runtime built with {@link GilSchedule#replay(ScheduleLog)} repeats it exactly. Immutable.
 *
 * <p>Threads are named by logical id: 1, 2, ... in the order the runtime started (or first saw)
 * them; {@link #threads()} gives their names. A thread's {@code checkpoint} count is the number of
 * scheduling points it had reached, the current one included: its checkpoints, its blocking
 * sections (a sleep, a join, a wait for a {@link GilLock}), and its end.
 *
 * @param schedule what produced the log, e.g. {@code "random seed=7"}
 * @param first the logical id of the thread that held the GIL first (0 when none ran)
 * @param threads the threads' names, by logical id (index 0 is thread 1)
 * @param handOffs the hand-offs, in order
 */
public record ScheduleLog(
    String schedule, int first, List<String> threads, List<HandOff> handOffs) {

  /** Why the giving thread let the GIL go. */
  public enum Reason {
    /** At a checkpoint (or {@code sleep(0)}): the schedule chose another thread. */
    DROP_REQUEST("drop request"),
    /** The thread entered a blocking section: a sleep, a join, a lock wait, real I/O. */
    BLOCKING_SECTION("blocking section"),
    /** The thread's body ended. */
    THREAD_END("thread end");

    private final String text;

    Reason(String text) {
      this.text = text;
    }

    /**
     * @return the reason as the log's JSON writes it
     */
    public String text() {
      return text;
    }

    static Reason of(String text) {
      for (Reason r : values()) {
        if (r.text.equals(text)) {
          return r;
        }
      }
      throw new IllegalArgumentException(
          "reason must be \"drop request\", \"blocking section\" or \"thread end\", was \""
              + text
              + "\"");
    }
  }

  /**
   * One hand-off.
   *
   * @param sequence 1, 2, ... in the run
   * @param from the logical id of the thread that gave the GIL up
   * @param to the logical id of the thread that got it
   * @param checkpoint how many scheduling points {@code from} had reached, this one included
   * @param site where {@code from} was: the first frame of user code ({@code File.java:line}), or
   *     {@code "(runtime)"} when there is none (the thread's end)
   * @param reason why {@code from} let the GIL go
   */
  public record HandOff(
      long sequence, int from, int to, long checkpoint, String site, Reason reason) {
    public HandOff {
      Objects.requireNonNull(site, "site");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Validates and copies. */
  public ScheduleLog {
    Objects.requireNonNull(schedule, "schedule");
    threads = List.copyOf(threads);
    handOffs = List.copyOf(handOffs);
    if (first < 0 || first > threads.size()) {
      throw new IllegalArgumentException(
          "first must be a thread id between 0 and " + threads.size() + ", was " + first);
    }
  }

  /**
   * @param other another log
   * @return whether both describe the same schedule: the same first thread and the same hand-offs
   *     (what produced them may differ)
   */
  public boolean sameSchedule(ScheduleLog other) {
    return first == other.first && handOffs.equals(other.handOffs);
  }

  /**
   * @param id a logical thread id
   * @return the thread's name, or {@code "thread ID"} when the log does not know it
   */
  public String threadName(int id) {
    return id >= 1 && id <= threads.size() ? threads.get(id - 1) : "thread " + id;
  }

  /**
   * @return a copy without the hand-off at {@code index}, as what shrinking tries
   * @param index which hand-off to leave out
   */
  public ScheduleLog without(int index) {
    List<HandOff> rest = new ArrayList<>(handOffs);
    rest.remove(index);
    return new ScheduleLog(schedule, first, threads, rest);
  }

  /**
   * @return the log as readable text: the first thread, then one line per hand-off
   */
  public String render() {
    StringBuilder out = new StringBuilder();
    out.append("schedule: ").append(schedule).append('\n');
    out.append("first: thread ").append(first);
    if (first > 0) {
      out.append(" (").append(threadName(first)).append(')');
    }
    out.append('\n');
    for (HandOff h : handOffs) {
      out.append(
          String.format(
              "#%d  thread %d -> thread %d  at checkpoint %d of thread %d (%s)  %s%n",
              h.sequence(),
              h.from(),
              h.to(),
              h.checkpoint(),
              h.from(),
              h.site(),
              h.reason().text()));
    }
    return out.toString();
  }

  /**
   * @return the log as JSON: {@code {"schedule":..., "first":..., "threads":[...],
   *     "hand_offs":[{"sequence":1,"from":1,"to":2,"checkpoint":1,"site":"...","reason":"drop
   *     request"}, ...]}}, one hand-off per line
   */
  public String toJson() {
    StringBuilder out = new StringBuilder();
    JsonString.appendQuoted(out.append("{\"schedule\": "), schedule);
    out.append(", \"first\": ").append(first);
    out.append(", \"threads\": [");
    for (int i = 0; i < threads.size(); i++) {
      JsonString.appendQuoted(out.append(i == 0 ? "" : ", "), threads.get(i));
    }
    out.append("],\n \"hand_offs\": [");
    for (int i = 0; i < handOffs.size(); i++) {
      HandOff h = handOffs.get(i);
      out.append(i == 0 ? "\n  " : ",\n  ")
          .append("{\"sequence\": ")
          .append(h.sequence())
          .append(", \"from\": ")
          .append(h.from())
          .append(", \"to\": ")
          .append(h.to())
          .append(", \"checkpoint\": ")
          .append(h.checkpoint())
          .append(", \"site\": ");
      JsonString.appendQuoted(out, h.site()).append(", \"reason\": ");
      JsonString.appendQuoted(out, h.reason().text()).append('}');
    }
    out.append(handOffs.isEmpty() ? "]}\n" : "\n ]}\n");
    return out.toString();
  }

  /**
   * Reads what {@link #toJson()} wrote.
   *
   * @param json the text
   * @return the log
   * @throws IllegalArgumentException if the text is not such a log, naming what is wrong
   */
  public static ScheduleLog fromJson(String json) {
    Object parsed = new Parser(json).document();
    if (!(parsed instanceof Map<?, ?> root)) {
      throw new IllegalArgumentException("a schedule log is a JSON object, got " + json.strip());
    }
    List<String> threads = new ArrayList<>();
    for (Object name : list(root, "threads")) {
      threads.add(string(name, "threads[]"));
    }
    List<HandOff> handOffs = new ArrayList<>();
    for (Object item : list(root, "hand_offs")) {
      if (!(item instanceof Map<?, ?> h)) {
        throw new IllegalArgumentException("each of hand_offs must be an object, got " + item);
      }
      handOffs.add(
          new HandOff(
              number(h, "sequence"),
              (int) number(h, "from"),
              (int) number(h, "to"),
              number(h, "checkpoint"),
              string(h.get("site"), "site"),
              Reason.of(string(h.get("reason"), "reason"))));
    }
    return new ScheduleLog(
        string(root.get("schedule"), "schedule"), (int) number(root, "first"), threads, handOffs);
  }

  /**
   * Writes {@link #toJson()} to {@code file}.
   *
   * @param file where
   * @throws IOException if it cannot be written
   */
  public void write(Path file) throws IOException {
    Files.writeString(file, toJson());
  }

  /**
   * Reads a log {@link #write(Path) written} before.
   *
   * @param file where
   * @return the log
   * @throws IOException if it cannot be read
   * @throws IllegalArgumentException if it is not a schedule log
   */
  public static ScheduleLog read(Path file) throws IOException {
    return fromJson(Files.readString(file));
  }

  private static List<?> list(Map<?, ?> map, String key) {
    if (!(map.get(key) instanceof List<?> l)) {
      throw new IllegalArgumentException("schedule log: \"" + key + "\" must be a list");
    }
    return l;
  }

  private static long number(Map<?, ?> map, String key) {
    if (!(map.get(key) instanceof Long n)) {
      throw new IllegalArgumentException("schedule log: \"" + key + "\" must be an integer");
    }
    return n;
  }

  private static String string(Object value, String key) {
    if (!(value instanceof String s)) {
      throw new IllegalArgumentException("schedule log: \"" + key + "\" must be a string");
    }
    return s;
  }

  /** Just enough JSON for the log: objects, arrays, strings, integers, booleans, null. */
  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = Objects.requireNonNull(text, "json");
    }

    Object document() {
      Object value = value();
      skip();
      if (at != text.length()) {
        throw error("end of text");
      }
      return value;
    }

    private Object value() {
      skip();
      if (at >= text.length()) {
        throw error("a value");
      }
      char c = text.charAt(at);
      if (c == '{') {
        at++;
        Map<String, Object> map = new LinkedHashMap<>();
        skip();
        if (peek('}')) {
          return map;
        }
        do {
          skip();
          String key = stringLiteral();
          skip();
          expect(':');
          map.put(key, value());
          skip();
        } while (peek(','));
        expect('}');
        return map;
      }
      if (c == '[') {
        at++;
        List<Object> list = new ArrayList<>();
        skip();
        if (peek(']')) {
          return list;
        }
        do {
          list.add(value());
          skip();
        } while (peek(','));
        expect(']');
        return list;
      }
      if (c == '"') {
        return stringLiteral();
      }
      if (text.startsWith("null", at)) {
        at += 4;
        return null;
      }
      if (text.startsWith("true", at)) {
        at += 4;
        return true;
      }
      if (text.startsWith("false", at)) {
        at += 5;
        return false;
      }
      int start = at;
      if (c == '-') {
        at++;
      }
      while (at < text.length() && Character.isDigit(text.charAt(at))) {
        at++;
      }
      if (at == start || (c == '-' && at == start + 1)) {
        throw error("a value");
      }
      try {
        return Long.parseLong(text.substring(start, at));
      } catch (NumberFormatException e) {
        throw error("an integer");
      }
    }

    private String stringLiteral() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (at < text.length()) {
        char c = text.charAt(at++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (at >= text.length()) {
          break;
        }
        char e = text.charAt(at++);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> {
            if (at + 4 > text.length()) {
              throw error("four hex digits");
            }
            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
            at += 4;
          }
          default -> out.append(e);
        }
      }
      throw error("a closing quote");
    }

    private void skip() {
      while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
        at++;
      }
    }

    private boolean peek(char c) {
      if (at < text.length() && text.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("'" + c + "'");
      }
    }

    private IllegalArgumentException error(String expected) {
      return new IllegalArgumentException(
          "schedule log is not valid JSON: expected " + expected + " at offset " + at);
    }
  }
}
