package dev.baton.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The JMH settings every benchmark class shares, written once: a benchmark class extends the shape
 * of what it reports, and JMH reads the annotations through the class hierarchy (they are all
 * {@code @Inherited}). A class's own annotation still overrides an inherited one.
 *
 * <p>{@code bench/run.sh} overrides forks, warm-up and measurement with its profile (see {@code
 * bench/README.md}); these are the values for running one class by hand with {@code java -jar
 * bench/target/benchmarks.jar NAME}. Mode and time unit are never overridden: they decide what a
 * figure means.
 */
public final class BenchShape {
  private BenchShape() {}

  /** Warm-up, measurement and forks for a run by hand. */
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  @Fork(1)
  public abstract static class Defaults {}

  /** Average time per operation, in nanoseconds. */
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public abstract static class NanosPerOp extends Defaults {}

  /** Operations per second. */
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public abstract static class OpsPerSecond extends Defaults {}

  /** Every operation's time sampled (JMH's percentiles), in microseconds. */
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public abstract static class SampledMicros extends Defaults {}
}
