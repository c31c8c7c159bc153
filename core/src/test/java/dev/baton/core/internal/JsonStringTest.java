package dev.baton.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonStringTest {

  @Test
  void quotesEscapesAndRoundTripsThroughAJsonParser() throws Exception {
    String text = "say \"hi\" \\ to\n\tworker-1\r\u0001 — ünïcode";
    String quoted = JsonString.quote(text);
    assertThat(quoted).isEqualTo("\"say \\\"hi\\\" \\\\ to\\n\\tworker-1\\r\\u0001 — ünïcode\"");
    assertThat(new ObjectMapper().readValue(quoted, String.class)).isEqualTo(text);
    assertThat(JsonString.appendQuoted(new StringBuilder("x="), "")).hasToString("x=\"\"");
  }
}
