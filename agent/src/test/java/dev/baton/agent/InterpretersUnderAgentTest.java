package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real interpreters under the agent, on a child JVM, with the switch points that give CPython's
 * semantics. Jython ({@code include=org.python.,switch=org.python.pycode.}: the GIL passes only in
 * compiled Python code, at its function entries and loops): the talk's races come out as on CPython
 * 3.11. LuaJ ({@code include=org.luaj.,switch=org.luaj.vm2.LuaClosure#execute}: its Java 1.3 class
 * files are instrumented and the GIL passes in its dispatch loop). Tagged slow: each starts a JVM
 * that instruments a whole interpreter.
 */
@Tag("slow")
class InterpretersUnderAgentTest {
  private static final Pattern FORCED = Pattern.compile("(\\d+) forced switches");

  @TempDir Path dir;

  @Test
  void jythonCounterIsExactACallBetweenReadAndWriteLosesUpdatesJoinAndDictWork() throws Exception {
    Path script = dir.resolve("races.py");
    try (var in = getClass().getResourceAsStream("/interp/races.py")) {
      Files.write(script, in.readAllBytes());
    }
    BatonAgentTest.Run run =
        child()
            .java(
                "include=org.python.,switch=org.python.pycode.,interval=1ms",
                "org.python.util.jython",
                script.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out())
        .as(run.err())
        .contains("plain lost 0")
        .containsPattern("call lost [1-9]")
        .contains("dict 200000");
    assertThat(forcedSwitches(run)).isPositive();
    assertThat(run.err()).doesNotContain("could not instrument");
  }

  @Test
  void luajClassFilesAreInstrumentedAndTheGilPassesInItsDispatchLoop() throws Exception {
    BatonAgentTest.Run run =
        child()
            .java(
                "include=org.luaj.,switch=org.luaj.vm2.LuaClosure#execute,interval=1ms",
                "demo.lua.LuaRace",
                "300000");
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).as(run.err()).contains("lua counter").contains("of 1200000");
    assertThat(forcedSwitches(run)).as(run.err()).isPositive();
    assertThat(run.err()).doesNotContain("could not instrument");
  }

  private BatonAgentTest child() {
    BatonAgentTest child = new BatonAgentTest();
    child.dir = dir;
    return child;
  }

  private static long forcedSwitches(BatonAgentTest.Run run) {
    Matcher m = FORCED.matcher(run.err());
    assertThat(m.find()).as(run.err()).isTrue();
    return Long.parseLong(m.group(1));
  }
}
