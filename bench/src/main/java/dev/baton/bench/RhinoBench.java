package dev.baton.bench;

import dev.baton.gil.GilRuntime;
import dev.baton.rhino.GilContextFactory;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ContextFactory;
import org.mozilla.javascript.Function;
import org.mozilla.javascript.ScriptableObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the GIL binding costs a JavaScript loop on Mozilla Rhino's interpreter, one thread, same
 * run: plain Rhino (interpreted, no instruction observer) against {@link GilContextFactory} with
 * its default observer threshold and with a threshold of 1 (the observer at every jump). Each
 * operation is one loop iteration; each invocation enters a context, takes the GIL (uncontended)
 * for the top-level call and runs {@value #LOOP} iterations.
 */
@State(Scope.Thread)
public class RhinoBench extends BenchShape.NanosPerOp {
  static final int LOOP = 10_000;

  static final String SCRIPT =
      """
      function loop(n) {
        var s = 0;
        for (var i = 0; i < n; i++) s = (s + i * i) % 1000003;
        return s;
      }
      """;

  private GilRuntime runtime;
  private Runner plain;
  private Runner gil;
  private Runner gilEveryJump;

  /** One factory, one scope, and the loop function compiled in it. */
  private static final class Runner {
    final ContextFactory factory;
    final ScriptableObject scope;
    final Function loop;
    final Object[] args = {LOOP};

    Runner(ContextFactory factory) {
      this.factory = factory;
      this.scope =
          factory.call(
              cx -> {
                ScriptableObject s = cx.initStandardObjects();
                cx.evaluateString(s, SCRIPT, "loop.js", 1, null);
                return s;
              });
      this.loop = (Function) ScriptableObject.getProperty(scope, "loop");
    }

    Object run() {
      return factory.call(cx -> loop.call(cx, scope, scope, args));
    }
  }

  /** Rhino as it comes, in its interpreter, with no observer. */
  private static final class PlainInterpreted extends ContextFactory {
    @Override
    protected Context makeContext() {
      Context cx = super.makeContext();
      cx.setLanguageVersion(Context.VERSION_ES6);
      cx.setInterpretedMode(true);
      return cx;
    }
  }

  /** Builds the runtime and the three runners. */
  @Setup(Level.Trial)
  public void setUp() {
    runtime = GilRuntime.builder().name("bench-js").build();
    plain = new Runner(new PlainInterpreted());
    gil = new Runner(GilContextFactory.of(runtime));
    gilEveryJump = new Runner(GilContextFactory.builder(runtime).observerThreshold(1).build());
  }

  /** Closes the runtime. */
  @TearDown(Level.Trial)
  public void tearDown() {
    runtime.close();
  }

  /**
   * @return the loop's result, plain Rhino
   */
  @Benchmark
  @OperationsPerInvocation(LOOP)
  public Object plainRhino() {
    return plain.run();
  }

  /**
   * @return the loop's result, under the GIL with the default observer threshold
   */
  @Benchmark
  @OperationsPerInvocation(LOOP)
  public Object gilBound() {
    return gil.run();
  }

  /**
   * @return the loop's result, under the GIL with a checkpoint at every jump
   */
  @Benchmark
  @OperationsPerInvocation(LOOP)
  public Object gilBoundEveryJump() {
    return gilEveryJump.run();
  }
}
