package dev.baton.bench;

import dev.baton.bench.scenario.LoopAdapter;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The event-loop peers: Netty 4.2's {@code DefaultEventLoop} and NIO event loop under the same
 * harness ({@link LoopDrivers}) as Baton's loop in {@code EventLoopBench}. Scores are items per
 * second (callbacks, submissions, timers).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class NettyLoopBench {
  static final int BATCH = 10_000;

  /** Which Netty loop. */
  @Param({"default", "nio"})
  public String loop;

  private LoopAdapter adapter;
  private LoopDrivers.Chain chain;
  private LoopDrivers.Flood flood;
  private LoopDrivers.Timers timers;

  /** Starts the loop. */
  @Setup(Level.Trial)
  public void setUp() {
    adapter = loop.equals("nio") ? LoopAdapter.nettyNio() : LoopAdapter.nettyDefault();
    chain = new LoopDrivers.Chain(adapter);
    flood = new LoopDrivers.Flood(adapter);
    timers = new LoopDrivers.Timers(adapter);
  }

  /**
   * Stops it.
   *
   * @throws InterruptedException if interrupted while it stops
   */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    adapter.close();
  }

  /** {@code execute()} from the loop thread, each callback submitting the next. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void chainedExecute() {
    chain.run(BATCH);
  }

  /** {@code execute()} from the benchmark thread, the loop draining. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void crossThreadExecute() {
    flood.run(BATCH);
  }

  /** Zero-delay {@code schedule()} from the loop thread, all fired. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void timers() {
    timers.run(BATCH);
  }
}
