package dev.baton.core.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MarkKindTest {

  @Test
  void aRegisteredKindIsFoundByItsNameAndRecordsAndComesBackAsItself() {
    MarkKind kind = MarkKind.of("MARK_KIND_TEST_FOUND", "#123456");
    assertThat(MarkKind.named("MARK_KIND_TEST_FOUND")).isSameAs(kind);
    assertThat(kind.displayName()).isEqualTo("mark kind test found");
    assertThat(kind.colour()).isEqualTo("#123456");
    assertThat(MarkKind.named("MARK_KIND_TEST_NEVER_REGISTERED")).isNull();

    try (TraceSession session = Tracer.enable()) {
      Tracer.mark(kind, "here");
      Tracer.mark(MarkKind.USER, "there");
      assertThat(session.snapshot().marks())
          .extracting(Mark::kind)
          .containsExactly(kind, MarkKind.USER);
    }
  }

  @Test
  void aNameCanBeTakenOnlyOnce() {
    MarkKind.of("MARK_KIND_TEST_TWICE", "#123456");
    assertThatThrownBy(() -> MarkKind.of("MARK_KIND_TEST_TWICE", "#654321"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"MARK_KIND_TEST_TWICE\" is already registered");
    assertThatThrownBy(() -> MarkKind.of("USER", "#654321"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedNamesAndColoursAreRejected() {
    assertThatThrownBy(() -> MarkKind.of("gil handoff", "#123456"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upper case");
    assertThatThrownBy(() -> MarkKind.of("MARK_KIND_TEST_COLOUR", "green"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("#rrggbb");
    assertThatThrownBy(() -> LaneKind.of("a task", "task "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("upper case");
  }
}
