package dev.baton.eventloop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnixSocketTest {
  @TempDir Path dir;

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void echoesOverASocketFileAndRemovesItOnClose(TaskMechanism m) {
    Path path = dir.resolve("echo.sock");
    List<Object> got =
        EventLoop.run(
            "unix",
            m,
            () -> {
              Server s = Server.startUnix(TlsTest::echo, path);
              List<Object> out = new ArrayList<>();
              out.add(Files.exists(path));
              out.add(s.localAddress().equals(UnixDomainSocketAddress.of(path)));
              out.add(s.port());
              Connection c = Connection.openUnix(path);
              c.writer().write("over a file\n".getBytes(US_ASCII));
              out.add(new String(c.reader().readLine(), US_ASCII));
              byte[] big = new byte[300_000];
              Task<byte[]> back =
                  EventLoop.current().createTask("read", () -> c.reader().readExactly(big.length));
              c.writer().write(big);
              c.writer().drain();
              out.add(Tasks.await(back).length);
              c.writer().writeEof();
              out.add(c.reader().read(-1).length);
              c.close();
              s.close();
              out.add(Files.exists(path));
              return out;
            });
    assertThat(got).containsExactly(true, true, -1, "over a file\n", 300_000, 0, false);
  }

  @Test
  void aStaleSocketFileIsReplacedAndALiveOneIsNot() throws Exception {
    Path path = dir.resolve("s.sock");
    // a server that is gone left its file
    ServerSocketChannel gone = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    gone.bind(UnixDomainSocketAddress.of(path));
    gone.close();
    assertThat(Files.exists(path)).isTrue();
    List<Object> got =
        EventLoop.run(
            () -> {
              List<Object> out = new ArrayList<>();
              Server s = Server.startUnix((r, w) -> w.write(r.readLine()), path);
              try {
                Server.startUnix((r, w) -> {}, path);
                out.add("bound twice");
              } catch (BindException e) {
                out.add("live one kept");
              }
              Connection c = Connection.openUnix(path);
              c.writer().write("x\n".getBytes(US_ASCII));
              out.add(new String(c.reader().readLine(), US_ASCII));
              c.close();
              s.close();
              return out;
            });
    assertThat(got).containsExactly("live one kept", "x\n");
    assertThat(Files.exists(path)).isFalse();
  }

  @Test
  void closeLeavesAFileThatIsNoLongerItsOwn() throws Exception {
    Path path = dir.resolve("moved.sock");
    boolean kept =
        EventLoop.run(
            () -> {
              Server s = Server.startUnix((r, w) -> {}, path);
              Files.delete(path);
              Files.writeString(path, "someone else's file now");
              s.close();
              return Files.exists(path);
            });
    assertThat(kept).isTrue();
  }
}
