package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.baton.agent.internal.AgentOptions;
import dev.baton.agent.internal.ClassFilter;
import dev.baton.gil.GilPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
  @Test
  void parsesPrefixListsAndSettings() {
    AgentOptions options =
        AgentOptions.parse(
            "include=com.example.,org.demo.,exclude=com.example.gen.,interval=500us,policy=cpython,"
                + "name=demo,detect=50ms,trace=run.json");
    assertThat(options.include()).containsExactly("com.example.", "org.demo.");
    assertThat(options.exclude()).containsExactly("com.example.gen.");
    assertThat(options.interval()).isEqualTo(Duration.ofNanos(500_000));
    assertThat(options.policy()).isEqualTo(GilPolicy.CPYTHON);
    assertThat(options.name()).isEqualTo("demo");
    assertThat(options.detect()).isEqualTo(Duration.ofMillis(50));
    assertThat(options.trace()).isEqualTo("run.json");
  }

  @Test
  void defaultsAreCpythonsInterval() {
    AgentOptions options = AgentOptions.parse("include=com.example.");
    assertThat(options.interval()).isEqualTo(Duration.ofMillis(5));
    assertThat(options.policy()).isEqualTo(GilPolicy.FAIR);
    assertThat(options.detect()).isNull();
  }

  @Test
  void badOptionsNameTheOptionAndTheRule() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AgentOptions.parse(null))
        .withMessageContaining("needs include=PREFIX");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AgentOptions.parse("include=a.,colour=blue"))
        .withMessageContaining("unknown agent option \"colour\"");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AgentOptions.parse("include=a.,policy=random"))
        .withMessageContaining("policy=random is not one of fair, cpython");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AgentOptions.parse("include=a.,interval=1h"))
        .withMessageContaining("not a duration");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AgentOptions.parse("include=a.,interval=20s"))
        .withMessageContaining("outside");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> AgentOptions.parse("com.example."))
        .withMessageContaining("has no value");
  }

  @Test
  void theFilterNeverIncludesTheJdkBatonOrRunners() {
    ClassFilter filter =
        new ClassFilter(List.of("", "com.example."), List.of("com.example.generated."));
    assertThat(filter.includes("com.example.Main")).isTrue();
    assertThat(filter.includes("com.example.generated.Stub")).isFalse();
    assertThat(filter.includes("java.util.ArrayList")).isFalse();
    assertThat(filter.includes("dev.baton.gil.Gil")).isFalse();
    assertThat(filter.includes("dev.baton.agent.runtime.Hooks")).isFalse();
    assertThat(filter.includes("org.junit.jupiter.api.Test")).isFalse();
    assertThat(filter.includes("org.openjdk.jmh.runner.Runner")).isFalse();
    assertThat(filter.includes("dev.baton.examples.plain.Race")).isTrue();
  }
}
