package dev.baton.rhino;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.gil.GilRuntime;
import org.junit.jupiter.api.Test;
import org.mozilla.javascript.Context;
import org.mozilla.javascript.ScriptableObject;

/** The README's Rhino sample, as written there, with its claim checked. */
class ReadmeSampleTest {

  @Test
  void sampleRunsAsDocumented() {
    Object count;
    // README begin
    try (GilRuntime runtime = GilRuntime.builder().name("js").build()) {
      GilContextFactory rhino = GilContextFactory.of(runtime); // interpreted mode
      count =
          rhino.call(
              cx -> {
                ScriptableObject scope = rhino.initStandardObjects(cx); // + threading, io
                return cx.evaluateString(
                    scope,
                    """
                    var shared = { count: 0 };
                    function work() { for (var i = 0; i < 100000; i++) shared.count = shared.count + 1; }
                    var threads = [threading.start(work), threading.start(work)];
                    threads.forEach(function (t) { t.join(); }); // join releases the GIL
                    shared.count;                                // 200000: no update lost
                    """,
                    "main.js",
                    1,
                    null);
              });
    } // close() waits for script threads, as interpreter shutdown does
    // README end
    assertThat(Context.toNumber(count)).isEqualTo(200_000);
  }
}
