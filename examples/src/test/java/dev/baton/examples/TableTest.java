package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void alignsTextLeftAndNumbersRight() {
    String table =
        new Table("mode", "seconds", "bytes")
            .row("sequential", 2.4567, 2621440L)
            .row("threads", 0.5, null)
            .render();
    assertThat(table)
        .isEqualTo(
            """
            mode        seconds    bytes
            ----------  -------  -------
            sequential     2.46  2621440
            threads        0.50        -
            """);
  }

  @Test
  void rejectsRowsOfTheWrongWidth() {
    Table table = new Table("a", "b");
    assertThatThrownBy(() -> table.row("only one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a row needs 2 cells, got 1");
    assertThatThrownBy(Table::new).hasMessageContaining("at least one column");
  }
}
