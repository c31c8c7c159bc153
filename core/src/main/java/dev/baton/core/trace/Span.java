package dev.baton.core.trace;

import java.util.Objects;

/**
 * A lane in one state from {@code startNanos} to {@code endNanos} ({@link System#nanoTime()}
 * values).
 *
 * @param lane where it happened
 * @param state what the lane was doing
 * @param startNanos when it began
 * @param endNanos when it ended, not before {@code startNanos}
 * @param label what ran or was waited for (a callback's name, a task's name), or null
 */
public record Span(Lane lane, SpanState state, long startNanos, long endNanos, String label) {
  /**
   * @throws NullPointerException if {@code lane} or {@code state} is null
   * @throws IllegalArgumentException if {@code endNanos < startNanos}
   */
  public Span {
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(state, "state");
    if (endNanos < startNanos) {
      throw new IllegalArgumentException(
          "endNanos (" + endNanos + ") must not be before startNanos (" + startNanos + ")");
    }
  }

  /**
   * @return {@code endNanos - startNanos}
   */
  public long durationNanos() {
    return endNanos - startNanos;
  }
}
