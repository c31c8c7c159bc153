package dev.baton.bench.report;

import java.util.Locale;

/** The unit a figure is stated in; JMH and scenario values are converted to it. */
public enum Unit {
  /** Nanoseconds per operation. */
  NS("ns", false),
  /** Microseconds. */
  US("µs", false),
  /** Milliseconds. */
  MS("ms", false),
  /** Seconds. */
  S("s", false),
  /** Operations (callbacks, items, round trips) per second. */
  PER_S("/s", true),
  /** A dimensionless number (an index, a share, a ratio). */
  NUMBER("", true);

  private final String symbol;
  private final boolean higherIsBetter;

  Unit(String symbol, boolean higherIsBetter) {
    this.symbol = symbol;
    this.higherIsBetter = higherIsBetter;
  }

  /**
   * @return whether a larger value of this unit is the better outcome (throughputs) rather than the
   *     worse one (times)
   */
  public boolean higherIsBetter() {
    return higherIsBetter;
  }

  /**
   * Converts a JMH score to this unit.
   *
   * @param score the score
   * @param jmhUnit JMH's unit string, e.g. {@code ns/op}, {@code us/op}, {@code ops/s}
   * @return the score in this unit
   * @throws IllegalArgumentException if the units are not convertible
   */
  public double fromJmh(double score, String jmhUnit) {
    if (this == PER_S) {
      return switch (jmhUnit) {
        case "ops/s" -> score;
        case "ops/ms" -> score * 1e3;
        case "ops/us" -> score * 1e6;
        case "ops/ns" -> score * 1e9;
        default -> throw new IllegalArgumentException("cannot convert " + jmhUnit + " to /s");
      };
    }
    double nanos =
        switch (jmhUnit) {
          case "ns/op" -> score;
          case "us/op" -> score * 1e3;
          case "ms/op" -> score * 1e6;
          case "s/op" -> score * 1e9;
          default ->
              throw new IllegalArgumentException("cannot convert " + jmhUnit + " to " + this);
        };
    return switch (this) {
      case NS -> nanos;
      case US -> nanos / 1e3;
      case MS -> nanos / 1e6;
      case S -> nanos / 1e9;
      default -> throw new IllegalArgumentException("cannot convert " + jmhUnit + " to " + this);
    };
  }

  /**
   * @param value a value in this unit
   * @return the value for a table: three significant digits, k/M suffixes for rates
   */
  public String format(double value) {
    if (this == PER_S) {
      if (value >= 1e6) {
        return sig(value / 1e6) + " M/s";
      }
      if (value >= 1e3) {
        return sig(value / 1e3) + " k/s";
      }
      return sig(value) + " /s";
    }
    return symbol.isEmpty() ? sig(value) : sig(value) + " " + symbol;
  }

  /**
   * @param value any number
   * @return the number with three significant digits (more for large integers), no exponent
   */
  static String sig(double value) {
    double magnitude = Math.abs(value);
    if (magnitude >= 100 || value == 0) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (magnitude >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (magnitude >= 1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    if (magnitude >= 0.01) {
      return String.format(Locale.ROOT, "%.3f", value);
    }
    return String.format(Locale.ROOT, "%.2g", value);
  }

  /**
   * A raw result as the results file keeps it: six significant digits (every digit of a number of
   * 100 000 or more), enough for {@code bench/run.sh --render} to compute every ratio again as the
   * run did.
   */
  static String raw(double value) {
    if (value == 0 || !Double.isFinite(value)) {
      return value == 0 ? "0" : String.valueOf(value);
    }
    if (Math.abs(value) >= 100_000) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    return new java.math.BigDecimal(value)
        .round(new java.math.MathContext(6))
        .stripTrailingZeros()
        .toPlainString();
  }
}
