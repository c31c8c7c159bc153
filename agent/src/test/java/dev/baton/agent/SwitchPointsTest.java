package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.baton.agent.internal.AgentOptions;
import dev.baton.agent.internal.SwitchPoints;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code switch=}: the GIL passes only at the entries and loops of the named methods, so a toy
 * interpreter's instruction ({@code Interp}: {@code counter += 1} through three helper calls) is
 * atomic, as a CPython bytecode is; with every method a switch point it is not.
 */
class SwitchPointsTest {
  private static final int TIMES = 2_000_000;

  @Test
  void onlyTheDispatchLoopIsASwitchPointSoNoInstructionIsCutInTwo() throws Exception {
    SwitchPoints dispatch = new SwitchPoints(List.of(InstrumentingLoader.SAMPLES + "Interp#run"));
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(1))) {
      Class<?> interp =
          new InstrumentingLoader(dispatch).loadClass(InstrumentingLoader.SAMPLES + "Interp");
      runTwice(interp.getMethod("run", int.class));
      assertThat(interp.getField("counter").getInt(null)).isEqualTo(2 * TIMES);
      assertThat(agent.runtime.stats().forcedSwitches())
          .as("%s", agent.runtime.stats())
          .isPositive();
    }
  }

  @Test
  void withEveryMethodASwitchPointTheInstructionLosesUpdates() throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(1))) {
      Class<?> interp = agent.sample("Interp");
      long lost = 0;
      for (int attempt = 0; attempt < 20 && lost == 0; attempt++) {
        interp.getField("counter").setInt(null, 0);
        runTwice(interp.getMethod("run", int.class));
        lost = 2L * TIMES - interp.getField("counter").getInt(null);
      }
      assertThat(lost).as("updates lost in up to 20 runs").isPositive();
    }
  }

  @Test
  void theOptionNamesClassesOrMethods() {
    AgentOptions options =
        AgentOptions.parse("include=org.luaj.,switch=org.luaj.vm2.LuaClosure#execute,org.gen.");
    SwitchPoints points = options.switchPoints();
    assertThat(points.at("org.luaj.vm2.LuaClosure", "execute")).isTrue();
    assertThat(points.at("org.luaj.vm2.LuaClosure", "call")).isFalse();
    assertThat(points.at("org.luaj.vm2.LuaTable", "execute")).isFalse();
    assertThat(points.at("org.gen.Code", "anything")).isTrue();
    assertThat(AgentOptions.parse("include=a.").switchPoints().at("a.B", "c")).isTrue();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AgentOptions.parse("include=a.,switch=a.B#"))
        .withMessageContaining("switch=a.B# is not PREFIX or PREFIX#method");
  }

  private static void runTwice(Method run) throws InterruptedException {
    AgentFixture.runTwice(() -> run.invoke(null, TIMES));
  }
}
