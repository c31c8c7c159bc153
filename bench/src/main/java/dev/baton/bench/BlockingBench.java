package dev.baton.bench;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of entering a blocking section: a direct call, {@link Blocking#call} with no handler,
 * and with a handler that does nothing.
 */
@State(Scope.Thread)
public class BlockingBench extends BenchShape.NanosPerOp {
  private int value = 42;
  private Blocking.Registration registration;

  /** A handler with empty enter and exit. */
  static final class NoopHandler implements BlockingHandler {
    @Override
    public void enter() {}

    @Override
    public void exit() {}
  }

  /** Which variant this trial measures. */
  @org.openjdk.jmh.annotations.Param({"none", "noop"})
  public String handler;

  /** Installs the handler for the trial. */
  @Setup(Level.Trial)
  public void setUp() {
    if (handler.equals("noop")) {
      registration = Blocking.install(new NoopHandler());
    }
  }

  /** Uninstalls it. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (registration != null) {
      registration.close();
    }
  }

  /**
   * @return the value, read inside a blocking section
   */
  @Benchmark
  public int blockingCall() {
    return Blocking.call(this::read);
  }

  /**
   * @return the value, read directly
   */
  @Benchmark
  public int directCall() {
    return read();
  }

  private int read() {
    return value;
  }
}
