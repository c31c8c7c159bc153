package dev.baton.core.trace;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a {@link Lane} (one row of a diagram) stands for: its name and how diagrams label its rows.
 *
 * <p>Core declares only {@link #THREAD}, the lane the tracer makes for each recording thread; a
 * module that records on lanes of its own declares their kind as a constant (an event loop's tasks,
 * a pool's worker processes). Kinds compare by identity; create each once, as a {@code static
 * final} constant.
 *
 * <p>Threading: immutable.
 */
public final class LaneKind {
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]*");

  /** A Java thread; the tracer creates one lane per recording thread. */
  public static final LaneKind THREAD = new LaneKind("THREAD", "");

  private final String name;
  private final String rowPrefix;

  private LaneKind(String name, String rowPrefix) {
    this.name = name;
    this.rowPrefix = rowPrefix;
  }

  /**
   * A new kind of lane.
   *
   * @param name upper case with underscores, e.g. {@code "TASK"}, as written in the SVG's {@code
   *     data-kind}
   * @param rowPrefix put before a lane's name in its row's label, e.g. {@code "task "}, or empty
   * @return the kind
   * @throws IllegalArgumentException if the name is malformed
   */
  public static LaneKind of(String name, String rowPrefix) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(rowPrefix, "rowPrefix");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "lane kind name \"" + name + "\" must be upper case letters, digits and underscores");
    }
    return new LaneKind(name, rowPrefix);
  }

  /**
   * @return the kind's name, e.g. "TASK"
   */
  public String name() {
    return name;
  }

  /**
   * @return what a diagram puts before a lane's name in its row's label, e.g. "task ", or ""
   */
  public String rowPrefix() {
    return rowPrefix;
  }

  @Override
  public String toString() {
    return name;
  }
}
