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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Baton's event loop under the same harness ({@link LoopDrivers}) as Netty's loops in {@link
 * NettyLoopBench}: chained {@code callSoon}, {@code callSoonThreadSafe} from the benchmark thread,
 * zero-delay timers. Scores are items per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EventLoopBench {
  static final int BATCH = NettyLoopBench.BATCH;

  private LoopAdapter adapter;
  private LoopDrivers.Chain chain;
  private LoopDrivers.Flood flood;
  private LoopDrivers.Timers timers;

  /** Starts the loop on its own thread. */
  @Setup(Level.Trial)
  public void setUp() {
    adapter = LoopAdapter.baton();
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

  /** {@code callSoon} from the loop thread, each callback scheduling the next. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void chainedCallSoon() {
    chain.run(BATCH);
  }

  /** {@code callSoonThreadSafe} from the benchmark thread, the loop draining. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void crossThreadCallSoon() {
    flood.run(BATCH);
  }

  /** Zero-delay {@code callAt} from the loop thread, all fired. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void timers() {
    timers.run(BATCH);
  }
}
