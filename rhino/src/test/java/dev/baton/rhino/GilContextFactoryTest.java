package dev.baton.rhino;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.baton.core.BatonMisuseException;
import dev.baton.gil.GilRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.NativeArray;
import org.mozilla.javascript.RhinoException;
import org.mozilla.javascript.ScriptableObject;

class GilContextFactoryTest {
  static final Duration BOUND = Duration.ofSeconds(60);

  private final List<GilRuntime> runtimes = new ArrayList<>();

  /**
   * A runtime with a short switch interval, so that the GIL passes often; closed after the test.
   */
  private GilRuntime runtime(GilRuntime.Builder builder) {
    GilRuntime runtime = builder.switchInterval(Duration.ofMillis(1)).build();
    runtimes.add(runtime);
    return runtime;
  }

  private GilRuntime runtime() {
    return runtime(GilRuntime.builder().name("js"));
  }

  @AfterEach
  void closeRuntimes() {
    runtimes.forEach(GilRuntime::close);
  }

  /** Runs {@code source} in a new scope of {@code rhino}; returns the scope. */
  private static ScriptableObject run(GilContextFactory rhino, String source) {
    return rhino.call(
        cx -> {
          ScriptableObject scope = rhino.initStandardObjects(cx);
          cx.evaluateString(scope, source, "test.js", 1, null);
          return scope;
        });
  }

  private static Object get(ScriptableObject scope, String expression) {
    return ScriptableObject.getProperty(scope, expression);
  }

  private static String text(ScriptableObject scope, String name) {
    return Context.toString(get(scope, name));
  }

  private static double number(ScriptableObject scope, String name) {
    return Context.toNumber(get(scope, name));
  }

  static final String RACE =
      """
      var shared = { count: 0, items: [] };
      function work(n) {
        for (var i = 0; i < n; i++) {
          shared.count = shared.count + 1;
          shared.items.push(i);
        }
      }
      var threads = [];
      for (var t = 0; t < $THREADS; t++) threads.push(threading.start(work, $N));
      threads.forEach(function (t) { t.join(); });
      var count = shared.count, length = shared.items.length;
      """;

  @Test
  void sharedPropertyAndArrayAreExactUnderTheGilOverManyRuns() {
    int threads = 4;
    int n = 3_000;
    long forcedSwitches = 0;
    for (int run = 0; run < 20; run++) {
      try (GilRuntime runtime =
          GilRuntime.builder()
              .name("race-" + run)
              .switchInterval(Duration.ofNanos(20_000))
              .build()) {
        GilContextFactory rhino = GilContextFactory.of(runtime);
        ScriptableObject scope =
            run(rhino, RACE.replace("$THREADS", "" + threads).replace("$N", "" + n));
        assertThat(number(scope, "count")).as("run %d", run).isEqualTo(threads * n);
        assertThat(number(scope, "length")).as("run %d", run).isEqualTo(threads * n);
        runtime.close();
        forcedSwitches += runtime.stats().forcedSwitches();
      }
    }
    // the count is exact although the GIL did pass between the threads in the middle of their loops
    assertThat(forcedSwitches).isPositive();
  }

  @Test
  void aLockMakesAReadCallWriteExact() {
    GilContextFactory rhino = GilContextFactory.of(runtime());
    ScriptableObject scope =
        run(
            rhino,
            """
            var lock = new threading.Lock();
            var x = 0;
            function plusOne(v) { if (typeof v !== 'number') throw new TypeError(v); return v + 1; }
            function work() {
              for (var i = 0; i < 5000; i++) {
                lock.acquire();
                try { x = plusOne(x); } finally { lock.release(); }
              }
            }
            var a = threading.start(work), b = threading.start(work);
            a.join(); b.join();
            var locked = lock.locked();
            """);
    assertThat(number(scope, "x")).isEqualTo(10_000);
    assertThat(get(scope, "locked")).isEqualTo(false);
  }

  @Test
  void aThreadBlockedInSleepLetsAnotherScriptThreadRun() {
    GilRuntime runtime = runtime();
    GilContextFactory rhino = GilContextFactory.of(runtime);
    ScriptableObject scope =
        run(
            rhino,
            """
            var state = { asleep: false, woke: 'not yet', n: 0, done: false };
            var sleeper = threading.start(function () {
              state.asleep = true;
              try { threading.sleep(120); state.woke = 'slept'; }
              catch (e) { state.woke = 'interrupted'; }
            });
            var worker = threading.start(function () {
              while (!state.asleep) threading.sleep(0.001);
              for (var i = 0; i < 100000; i++) state.n++;
              state.sleeperWhenDone = state.woke;
              state.done = true;
            });
            """);
    ScriptableObject state = (ScriptableObject) get(scope, "state");
    ScriptThreading.ThreadObject sleeper = (ScriptThreading.ThreadObject) get(scope, "sleeper");
    // the worker runs 100000 iterations while the sleeper is inside one threading.sleep(120)
    await().atMost(BOUND).until(() -> get(state, "done").equals(true));
    assertThat(get(state, "sleeperWhenDone")).isEqualTo("not yet");
    assertThat(sleeper.thread.isAlive()).isTrue();
    sleeper.thread.interrupt();
    await().atMost(BOUND).until(() -> !sleeper.thread.isAlive());
    assertThat(get(state, "woke")).isEqualTo("interrupted");
    assertThat(Context.toNumber(get(state, "n"))).isEqualTo(100_000);
  }

  @Test
  void anExceptionInAScriptThreadIsReportedAndReleasesTheGil() {
    List<Throwable> reported = new CopyOnWriteArrayList<>();
    GilRuntime runtime =
        runtime(
            GilRuntime.builder().name("js").uncaughtExceptionHandler((t, e) -> reported.add(e)));
    GilContextFactory rhino = GilContextFactory.of(runtime);
    ScriptableObject scope =
        run(
            rhino,
            """
            var failing = threading.start(function () { throw new TypeError('boom'); });
            failing.join();
            var after = 0;
            var next = threading.start(function () { after = 1; });
            next.join();
            var error = failing.error(), nextError = next.error();
            var alive = failing.isAlive(), name = failing.name;
            """);
    assertThat(reported).singleElement().isInstanceOf(RhinoException.class);
    assertThat(reported.getFirst()).hasMessageContaining("boom");
    assertThat(text(scope, "error")).contains("TypeError").contains("boom");
    assertThat(get(scope, "nextError")).isSameAs(org.mozilla.javascript.Undefined.instance);
    assertThat(get(scope, "alive")).isEqualTo(false);
    assertThat(text(scope, "name")).startsWith("script-");
    // the thread that failed gave the GIL back: the next one ran, and nobody holds it now
    assertThat(number(scope, "after")).isEqualTo(1);
    assertThat(runtime.gil().holder()).isNull();
  }

  @Test
  void closingTheRuntimeWaitsForRunningScriptsThenRefusesScriptCode() {
    GilRuntime runtime = runtime();
    GilContextFactory rhino = GilContextFactory.of(runtime);
    ScriptableObject scope =
        run(
            rhino,
            """
            var shared = { n: 0, started: 0 };
            function work() {
              shared.started++;
              for (var i = 0; i < 2000; i++) {
                shared.n++;
                if (i % 100 == 0) threading.sleep(0.001);
              }
            }
            for (var t = 0; t < 3; t++) threading.start(work);
            """);
    ScriptableObject shared = (ScriptableObject) get(scope, "shared");
    await().atMost(BOUND).until(() -> Context.toNumber(get(shared, "started")) >= 1);
    runtime.close(); // while the script threads run: waits for them, as interpreter shutdown does
    assertThat(Context.toNumber(get(shared, "n"))).isEqualTo(6000);
    assertThat(runtime.gil().holder()).isNull();
    assertThatThrownBy(
            () -> rhino.call(cx -> cx.evaluateString(scope, "shared.n++", "late.js", 1, null)))
        .isExactlyInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("after it was closed");
  }

  @Test
  void eventAndQueuePassValuesBetweenScriptThreads() {
    GilContextFactory rhino = GilContextFactory.of(runtime());
    ScriptableObject scope =
        run(
            rhino,
            """
            var q = new threading.Queue(2), ready = threading.Event(), got = [];
            var consumer = threading.start(function () {
              ready.set();
              for (var v = q.get(30); v !== null; v = q.get(30)) got.push(v.id);
            });
            var waited = ready.wait(30);
            for (var i = 0; i < 10; i++) q.put({ id: i });
            q.put(null);
            consumer.join();
            var empty = q.empty(), size = q.qsize(), isSet = ready.isSet();
            ready.clear();
            var timedOut = ready.wait(0.01);
            var emptyError;
            try { q.get(0.01); } catch (e) { emptyError = e.message; }
            var fullQueue = new threading.Queue(1), fullError;
            fullQueue.put(1);
            try { fullQueue.put(2, 0); } catch (e) { fullError = e.message; }
            var joinedInTime = threading.start(function () {}).join(30);
            """);
    NativeArray got = (NativeArray) get(scope, "got");
    List<Double> values = new ArrayList<>();
    for (Object value : got.toArray()) {
      values.add(Context.toNumber(value));
    }
    assertThat(values).containsExactly(0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0);
    assertThat(get(scope, "waited")).isEqualTo(true);
    assertThat(get(scope, "empty")).isEqualTo(true);
    assertThat(number(scope, "size")).isZero();
    assertThat(get(scope, "isSet")).isEqualTo(true);
    assertThat(get(scope, "timedOut")).isEqualTo(false);
    assertThat(text(scope, "emptyError")).startsWith("queue.Empty").contains("within PT0.01S");
    assertThat(text(scope, "fullError")).startsWith("queue.Full");
    assertThat(get(scope, "joinedInTime")).isEqualTo(true);
  }

  @Test
  void badArgumentsAreTypeErrorsThatScriptsCatch() {
    GilContextFactory rhino = GilContextFactory.of(runtime());
    ScriptableObject scope =
        run(
            rhino,
            """
            function error(f) { try { f(); return 'no error'; } catch (e) { return e.name + ': ' + e.message; } }
            var sleep = error(function () { threading.sleep(-1); });
            var start = error(function () { threading.start(42); });
            var queue = error(function () { new threading.Queue(1.5); });
            var self = error(function () {
              var me = { t: null };
              me.t = threading.start(function () { threading.sleep(0.01); me.result = error(function () { me.t.join(); }); });
              me.t.join();
              throw new Error(me.result);
            });
            """);
    assertThat(text(scope, "sleep")).startsWith("TypeError").contains("threading.sleep");
    assertThat(text(scope, "start")).startsWith("TypeError").contains("function");
    assertThat(text(scope, "queue")).startsWith("TypeError").contains("maxsize");
    assertThat(text(scope, "self")).contains("cannot join itself");
  }

  @Test
  void releasingALockNobodyHoldsIsTheLocksOwnMisuseException() {
    GilRuntime runtime = runtime();
    GilContextFactory rhino = GilContextFactory.of(runtime);
    assertThatThrownBy(() -> run(rhino, "try { new threading.Lock().release(); } catch (e) {}"))
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("but it is not locked")
        .hasMessageContaining(Thread.currentThread().getName());
    // the failed call gave the GIL back
    assertThat(runtime.gil().holder()).isNull();
  }

  /**
   * Where the checkpoints come from, in each mode: a thread spinning on a flag lets the setter in.
   */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aCpuBoundScriptThreadPassesTheGilInEitherMode(boolean compiled) {
    GilRuntime runtime = runtime();
    GilContextFactory rhino = GilContextFactory.builder(runtime).compiled(compiled).build();
    ScriptableObject scope =
        run(
            rhino,
            """
            var state = { a: false, b: false };
            var a = threading.start(function () {
              state.a = true;
              for (var i = 0; i < 50000000 && !state.b; i++) {}
              state.aSawB = state.b;
            });
            var b = threading.start(function () {
              while (!state.a) threading.sleep(0.001);
              state.b = true;
            });
            a.join(); b.join();
            """);
    // b could only set the flag by taking the GIL from a in the middle of a's loop
    assertThat(get((ScriptableObject) get(scope, "state"), "aSawB")).isEqualTo(true);
  }

  @Test
  void builderRejectsAThresholdThatTurnsCheckpointsOff() {
    GilRuntime runtime = runtime();
    assertThatThrownBy(() -> GilContextFactory.builder(runtime).observerThreshold(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("observerThreshold");
    assertThat(GilContextFactory.builder(runtime).observerThreshold(1).build().toString())
        .contains("observer threshold 1")
        .contains("interpreted");
  }
}
