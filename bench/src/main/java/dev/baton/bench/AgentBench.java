package dev.baton.bench;

import dev.baton.bench.agentload.Loops;
import dev.baton.gil.GilRuntime;
import java.lang.reflect.Method;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the Baton agent's checkpoints cost, uncontended: the same plain loops of {@link Loops} as
 * compiled ({@code plain}) and as the agent rewrites them ({@code agent}: a checkpoint at method
 * entry and before each backward branch, see the agent's {@code ClassInstrumenter} and {@code
 * Hooks}), the benchmark thread attached to the agent's GIL for the whole trial, as a thread
 * running a long included computation is.
 *
 * <ul>
 *   <li>{@code callLoop}: 1000 iterations of a loop that calls a small static method of its class
 *       (one checkpoint per iteration, at the callee's entry, which covers the loop's back branch;
 *       goal ≤ 1.10×);
 *   <li>{@code countedLoop}: 1000 iterations of {@code sum += i * i}, no call (the poll stops the
 *       JIT from vectorising and unrolling it freely; reported, goal ≤ 1.5×);
 *   <li>{@code inlinedCall}: one call of the small method (the method-entry poll alone).
 * </ul>
 *
 * <p>The rewrite is applied in this JVM by a class loader that calls the agent's instrumenter, so
 * no {@code -javaagent} flag is needed; the agent module needs JDK 24+, hence reflection here.
 */
@State(Scope.Thread)
public class AgentBench extends BenchShape.NanosPerOp {
  private static final String WORKLOAD = Loops.class.getName();

  /** {@code plain}: as compiled; {@code agent}: as the agent rewrites it. */
  @Param({"plain", "agent"})
  public String code;

  private GilRuntime runtime;
  private Object attached;
  private Method exit;
  private LongUnaryOperator callLoop;
  private LongUnaryOperator countedLoop;
  private LongUnaryOperator call;
  private long n = 1000;

  /**
   * Loads the workload, and for {@code agent} attaches this thread to a fresh runtime's GIL.
   *
   * @throws Exception if the agent's classes are missing or refuse
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Class<?> loops;
    if (code.equals("agent")) {
      runtime = GilRuntime.builder().name("agent-bench").build();
      Class<?> hooks = Class.forName("dev.baton.agent.runtime.Hooks");
      ClassLoader rewriting = rewriting(WORKLOAD);
      Predicate<Class<?>> instrumented = c -> c.getClassLoader() == rewriting;
      hooks
          .getMethod("install", GilRuntime.class, Predicate.class)
          .invoke(null, runtime, instrumented);
      // the outermost included frame, entered once for the whole trial
      attached = hooks.getMethod("enter").invoke(null);
      exit = hooks.getMethod("exit", int.class);
      loops = rewriting.loadClass(WORKLOAD);
    } else {
      loops = Loops.class;
    }
    callLoop = (LongUnaryOperator) loops.getConstructor(int.class).newInstance(0);
    countedLoop = (LongUnaryOperator) loops.getConstructor(int.class).newInstance(1);
    call = (LongUnaryOperator) loops.getConstructor(int.class).newInstance(2);
  }

  /**
   * Detaches and closes the runtime.
   *
   * @throws Exception if the agent's hooks refuse
   */
  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (runtime != null) {
      exit.invoke(null, attached);
      runtime.close();
    }
  }

  /**
   * @return the loop's sum
   */
  @Benchmark
  public long callLoop() {
    return callLoop.applyAsLong(n);
  }

  /**
   * @return the loop's sum
   */
  @Benchmark
  public long countedLoop() {
    return countedLoop.applyAsLong(n);
  }

  /**
   * @return the call's result
   */
  @Benchmark
  public long inlinedCall() {
    return call.applyAsLong(n++);
  }

  /**
   * A loader that defines {@code name} as the agent's transformer rewrites it (the agent module's
   * {@code InstrumentingClassLoader}, reached by reflection as this module builds for release 21).
   */
  static ClassLoader rewriting(String name) throws ReflectiveOperationException {
    return (ClassLoader)
        Class.forName("dev.baton.agent.internal.InstrumentingClassLoader")
            .getConstructor(ClassLoader.class, Set.class)
            .newInstance(AgentBench.class.getClassLoader(), Set.of(name));
  }
}
