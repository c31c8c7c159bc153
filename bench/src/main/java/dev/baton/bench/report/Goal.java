package dev.baton.bench.report;

import java.util.Locale;

/**
 * The project's target for a figure: a bound on the measured value, a bound on its ratio to the
 * peer measured in the same run, or nothing (measured and reported only).
 *
 * @param kind which quantity is bounded and in which direction
 * @param bound the bound, in the figure's unit for values, dimensionless for ratios
 * @param text the target as the results table states it
 */
public record Goal(Kind kind, double bound, String text) {

  /** Which quantity a goal bounds. */
  public enum Kind {
    /** measured value ≤ bound */
    VALUE_AT_MOST,
    /** measured value ≥ bound */
    VALUE_AT_LEAST,
    /** measured / peer ≤ bound */
    RATIO_AT_MOST,
    /** measured / peer ≥ bound */
    RATIO_AT_LEAST,
    /** measured − peer ≤ bound: the overhead something adds to the peer (its baseline) */
    OVERHEAD_AT_MOST,
    /** no goal: the figure is reported for context */
    NONE
  }

  /**
   * @param bound the largest acceptable value
   * @param unit the figure's unit, for the goal's text
   * @return the goal "value ≤ bound"
   */
  public static Goal atMost(double bound, Unit unit) {
    return new Goal(Kind.VALUE_AT_MOST, bound, "target ≤ " + unit.format(bound));
  }

  /**
   * @param bound the smallest acceptable value
   * @param unit the figure's unit, for the goal's text
   * @return the goal "value ≥ bound"
   */
  public static Goal atLeast(double bound, Unit unit) {
    return new Goal(Kind.VALUE_AT_LEAST, bound, "target ≥ " + unit.format(bound));
  }

  /**
   * @param bound the largest acceptable ratio to the peer
   * @return the goal "measured ≤ bound × peer"
   */
  public static Goal ratioAtMost(double bound) {
    return new Goal(Kind.RATIO_AT_MOST, bound, "target ≤ " + times(bound));
  }

  /**
   * @param bound the smallest acceptable ratio to the peer
   * @return the goal "measured ≥ bound × peer"
   */
  public static Goal ratioAtLeast(double bound) {
    return new Goal(Kind.RATIO_AT_LEAST, bound, "target ≥ " + times(bound));
  }

  /**
   * @param bound the largest acceptable difference to the peer (the baseline)
   * @param unit the figure's unit, for the goal's text
   * @return the goal "measured − peer ≤ bound"
   */
  public static Goal overheadAtMost(double bound, Unit unit) {
    return new Goal(Kind.OVERHEAD_AT_MOST, bound, "target ≤ baseline + " + unit.format(bound));
  }

  /**
   * @return no goal: measured for context
   */
  public static Goal none() {
    return new Goal(Kind.NONE, Double.NaN, "none (measured)");
  }

  /**
   * @return whether this goal needs a peer value
   */
  public boolean needsPeer() {
    return kind == Kind.RATIO_AT_MOST
        || kind == Kind.RATIO_AT_LEAST
        || kind == Kind.OVERHEAD_AT_MOST;
  }

  /**
   * Judges a measurement.
   *
   * @param value the measured value
   * @param peer the peer's value, NaN when there is none
   * @return true when met, false when not, null when there is no goal or nothing to judge
   */
  public Boolean met(double value, double peer) {
    double ratio = value / peer;
    return switch (kind) {
      case VALUE_AT_MOST -> Double.isNaN(value) ? null : value <= bound;
      case VALUE_AT_LEAST -> Double.isNaN(value) ? null : value >= bound;
      case RATIO_AT_MOST -> Double.isNaN(ratio) ? null : ratio <= bound;
      case RATIO_AT_LEAST -> Double.isNaN(ratio) ? null : ratio >= bound;
      case OVERHEAD_AT_MOST -> Double.isNaN(peer) ? null : value - peer <= bound;
      case NONE -> null;
    };
  }

  static String times(double ratio) {
    return String.format(Locale.ROOT, "%s×", Unit.sig(ratio));
  }
}
