package dev.baton.rhino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.gil.GilRuntime;
import dev.baton.gil.GilSchedule;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.LambdaFunction;
import org.mozilla.javascript.ScriptableObject;

/**
 * Scripts cannot hold the GIL forever: a call is a checkpoint, a thread that dies of an Error says
 * so, a bounded close ends the script threads, and the JDK's blocking calls release the GIL.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScriptLivenessTest {

  /** Runs {@code source} in a new scope of {@code rhino} on the calling thread; returns it. */
  private static ScriptableObject run(GilContextFactory rhino, String source) {
    return rhino.call(
        cx -> {
          ScriptableObject scope = rhino.initStandardObjects(cx);
          ScriptableObject.putProperty(
              scope,
              "boom",
              new LambdaFunction(
                  scope,
                  "boom",
                  0,
                  (c, s, self, args) -> {
                    throw new OutOfMemoryError("simulated: the heap is full");
                  }));
          cx.evaluateString(scope, source, "test.js", 1, null);
          return scope;
        });
  }

  private static String text(ScriptableObject scope, String name) {
    return Context.toString(ScriptableObject.getProperty(scope, name));
  }

  @Test
  void aDeepRecursionWithoutJumpsPassesTheGilAtItsCalls() {
    // rec has no jump (no if, no loop, no ?: or &&): before call checkpoints, the interpreter
    // never observed it, and the other thread could not run until the recursion ended
    String source =
        """
        var count = 0, seen = [];
        function stop() {}
        function rec(n) { seen.push(count); [stop, rec][+(n > 0)](n - 1); }
        var a = threading.start(function () { rec(2000); });
        var b = threading.start(function () { for (var i = 0; i < 400; i++) count++; });
        a.join(); b.join();
        var distinct = new Set(seen).size;
        """;
    AtomicReference<ScriptableObject> scope = new AtomicReference<>();
    GilSchedule schedule = GilSchedule.random(1);
    try (GilRuntime runtime = GilRuntime.builder().name("js").schedule(schedule).build()) {
      GilContextFactory rhino = GilContextFactory.of(runtime);
      runtime.startThread("main", () -> scope.set(run(rhino, source)));
    }
    assertThat(schedule.deadlock()).isNull();
    assertThat(Context.toNumber(ScriptableObject.getProperty(scope.get(), "distinct")))
        .as("different values of count seen inside one recursion")
        .isGreaterThan(1);
  }

  @Test
  void aScriptThreadThatDiesOfAStackOverflowInCompiledModeReportsIt() {
    List<String> errors = new CopyOnWriteArrayList<>();
    try (GilRuntime runtime = GilRuntime.builder().name("js").build()) {
      GilContextFactory rhino = GilContextFactory.builder(runtime).compiled(true).build();
      runtime.startThread(
          "main",
          () -> {
            ScriptableObject scope =
                run(
                    rhino,
                    """
                    function down() { down(); }
                    var t = threading.start(down);
                    t.join();
                    var error = String(t.error());
                    """);
            errors.add(text(scope, "error"));
          });
    }
    assertThat(errors).singleElement().asString().contains("StackOverflowError");
  }

  @Test
  void aScriptThreadThatDiesOfAnErrorReportsIt() {
    List<String> errors = new CopyOnWriteArrayList<>();
    try (GilRuntime runtime = GilRuntime.builder().name("js").build()) {
      GilContextFactory rhino = GilContextFactory.of(runtime);
      runtime.startThread(
          "main",
          () -> {
            ScriptableObject scope =
                run(
                    rhino,
                    """
                    var t = threading.start(function () { boom(); });
                    t.join();
                    var error = String(t.error());
                    """);
            errors.add(text(scope, "error"));
          });
    }
    assertThat(errors)
        .singleElement()
        .asString()
        .contains("OutOfMemoryError")
        .contains("simulated");
  }

  @Test
  void aBoundedCloseEndsScriptThreadsThatSpinOrWaitForever() {
    GilRuntime runtime =
        GilRuntime.builder().name("js").switchInterval(Duration.ofMillis(1)).build();
    GilContextFactory rhino = GilContextFactory.of(runtime);
    ScriptableObject scope =
        run(
            rhino,
            """
            var spinner = threading.start(function () { var n = 0; while (true) { n++; } });
            var waiter = threading.start(function () { new threading.Event().wait(); });
            """);
    Thread spinner = thread(rhino, scope, "spinner");
    Thread waiter = thread(rhino, scope, "waiter");

    assertThat(rhino.close(Duration.ofMillis(300))).isTrue();
    assertThat(spinner.isAlive()).isFalse();
    assertThat(waiter.isAlive()).isFalse();
  }

  @Test
  void aJavaLatchAwaitedByOneScriptThreadAndCountedDownByAnotherDoesNotDeadlock() {
    List<String> results = new CopyOnWriteArrayList<>();
    try (GilRuntime runtime = GilRuntime.builder().name("js").build()) {
      GilContextFactory rhino = GilContextFactory.of(runtime);
      runtime.startThread(
          "main",
          () -> {
            ScriptableObject scope =
                run(
                    rhino,
                    """
                    var latch = new java.util.concurrent.CountDownLatch(1);
                    var waited = false;
                    var w = threading.start(function () { latch.await(); waited = true; });
                    var c = threading.start(function () { latch.countDown(); });
                    w.join(); c.join();
                    """);
            results.add(text(scope, "waited"));
          });
    }
    assertThat(results).containsExactly("true");
  }

  @Test
  void javaThreadSleepReleasesTheGil() {
    List<String> results = new CopyOnWriteArrayList<>();
    try (GilRuntime runtime = GilRuntime.builder().name("js").build()) {
      GilContextFactory rhino = GilContextFactory.of(runtime);
      runtime.startThread(
          "main",
          () -> {
            // the sleeper is woken only by the other script thread, which needs the GIL to run
            ScriptableObject scope =
                run(
                    rhino,
                    """
                    var sleeping = null, how = "slept";
                    var s = threading.start(function () {
                      sleeping = java.lang.Thread.currentThread();
                      try { java.lang.Thread.sleep(600000); } catch (e) { how = "woken"; }
                    });
                    var w = threading.start(function () {
                      while (sleeping === null) threading.sleep(0.001);
                      sleeping.interrupt();
                    });
                    s.join(); w.join();
                    """);
            results.add(text(scope, "how"));
          });
    }
    assertThat(results).containsExactly("woken");
  }

  private static Thread thread(GilContextFactory rhino, ScriptableObject scope, String name) {
    return rhino.call(
        cx -> {
          Object t = ScriptableObject.getProperty(scope, name);
          return ((ScriptThreading.ThreadObject) t).thread;
        });
  }
}
