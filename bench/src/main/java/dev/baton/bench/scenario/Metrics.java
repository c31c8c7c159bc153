package dev.baton.bench.scenario;

import java.util.LinkedHashMap;
import java.util.Map;

/** The numbers a scenario reports, in insertion order. Not thread-safe: fill it on one thread. */
public final class Metrics {
  private final Map<String, Double> values = new LinkedHashMap<>();

  /**
   * @param key the metric's key, e.g. {@code netty_nio_p50_us}
   * @param value its value
   * @throws IllegalArgumentException if the key was already reported or the value is not finite
   */
  public void put(String key, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("metric " + key + " is not finite: " + value);
    }
    if (values.putIfAbsent(key, value) != null) {
      throw new IllegalArgumentException("metric " + key + " reported twice");
    }
  }

  /**
   * Reports p50, p99, max (µs) and a throughput for one latency distribution.
   *
   * @param prefix the keys' prefix, e.g. {@code netty_nio}
   * @param samples the latencies in nanoseconds
   * @param perSecond operations per second over the measured period
   */
  public void putLatency(String prefix, Samples samples, double perSecond) {
    put(prefix + "_p50_us", samples.percentileNanos(50) / 1e3);
    put(prefix + "_p99_us", samples.percentileNanos(99) / 1e3);
    put(prefix + "_max_us", samples.maxNanos() / 1e3);
    put(prefix + "_per_s", perSecond);
  }

  /**
   * @return the numbers so far
   */
  public Map<String, Double> asMap() {
    return Map.copyOf(values);
  }

  Map<String, Double> ordered() {
    return values;
  }
}
