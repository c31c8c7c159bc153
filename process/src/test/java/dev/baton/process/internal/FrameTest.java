package dev.baton.process.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameTest {
  private static DataInputStream in(byte[] bytes) {
    return new DataInputStream(new ByteArrayInputStream(bytes));
  }

  private static byte[] frame(byte type, long id, byte[] payload) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    Frame.write(out, type, id, payload);
    out.flush();
    return bytes.toByteArray();
  }

  @Test
  void framesRoundTripAndACleanEndReadsAsNull() throws Exception {
    byte[] one = frame(Frame.T_TASK, 0x1122334455667788L, new byte[] {1, 2, 3});
    byte[] two = frame(Frame.T_RESULT, 9, new byte[0]);
    byte[] both = new byte[one.length + two.length];
    System.arraycopy(one, 0, both, 0, one.length);
    System.arraycopy(two, 0, both, one.length, two.length);
    DataInputStream in = in(both);
    Frame a = Frame.read(in, 1024);
    assertThat(a.type()).isEqualTo(Frame.T_TASK);
    assertThat(a.id()).isEqualTo(0x1122334455667788L);
    assertThat(a.payload()).containsExactly(1, 2, 3);
    Frame b = Frame.read(in, 1024);
    assertThat(b.id()).isEqualTo(9);
    assertThat(b.payload()).isEmpty();
    assertThat(Frame.read(in, 1024)).isNull();
  }

  @Test
  void strayTextIsCorruptionAndTheMessageShowsTheBytes() {
    byte[] noise =
        "Picked up JAVA_TOOL_OPTIONS: -Xmx1g and more text".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> Frame.read(in(noise), 1024))
        .isInstanceOf(CorruptFrameException.class)
        .hasMessageContaining("bad magic number")
        .hasMessageContaining("50 69 63 6b") // "Pick"
        .hasMessageContaining("Picked up JAVA_TOOL_OPTIONS");
  }

  @Test
  void aWrongVersionOrAnOversizedLengthIsCorruption() throws Exception {
    byte[] ok = frame(Frame.T_RESULT, 1, new byte[10]);
    byte[] badVersion = ok.clone();
    badVersion[4] = 99;
    assertThatThrownBy(() -> Frame.read(in(badVersion), 1024))
        .isInstanceOf(CorruptFrameException.class)
        .hasMessageContaining("protocol version 99");
    assertThatThrownBy(() -> Frame.read(in(ok), 5))
        .isInstanceOf(CorruptFrameException.class)
        .hasMessageContaining("payload length 10 outside [0, 5]");
  }

  @Test
  void aStreamEndingInsideAFrameIsAnError() throws Exception {
    byte[] ok = frame(Frame.T_RESULT, 1, new byte[10]);
    byte[] cut = java.util.Arrays.copyOf(ok, ok.length - 3);
    assertThatThrownBy(() -> Frame.read(in(cut), 1024)).isInstanceOf(EOFException.class);
  }
}
