package dev.baton.core.trace;

import java.util.Objects;

/**
 * An instant event on a lane.
 *
 * @param lane where it happened
 * @param kind what happened
 * @param atNanos when ({@link System#nanoTime()})
 * @param label details (the callback that was slow, the worker that crashed), or null
 */
public record Mark(Lane lane, MarkKind kind, long atNanos, String label) {
  /**
   * @throws NullPointerException if {@code lane} or {@code kind} is null
   */
  public Mark {
    Objects.requireNonNull(lane, "lane");
    Objects.requireNonNull(kind, "kind");
  }
}
