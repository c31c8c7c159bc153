package dev.baton.process;

/**
 * How arguments and results cross between the parent and its workers. Tasks and functions
 * themselves always travel with Java serialization, through the pool's allow-list filter.
 */
public enum Codec {
  /**
   * Null, booleans, numbers, characters, strings, byte arrays, lists, sets, maps and records of
   * those are written in a compact tagged format without Java serialization (lists decode as {@code
   * ArrayList}, sets as {@code LinkedHashSet}, maps as {@code LinkedHashMap}, both in the sender's
   * iteration order); any other value falls back to Java serialization, filtered.
   */
  COMPACT,
  /** Like {@link #COMPACT}, but a value that needs Java serialization is refused. */
  COMPACT_ONLY,
  /** Every value goes through Java serialization, filtered. */
  JAVA
}
