package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class StreamsTest {
  private static final String HOST = "127.0.0.1";

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(US_ASCII);
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void echoLinesExactReadsAndHalfClose(TaskMechanism m) {
    List<String> got =
        EventLoop.run(
            "t",
            m,
            () -> {
              Server server =
                  Server.start(
                      (r, w) -> {
                        byte[] line;
                        while ((line = r.readLine()).length > 0) {
                          w.write(line);
                          await(done());
                        }
                        w.write(ascii("bye\n"));
                      },
                      HOST,
                      0);
              Connection c = Connection.open(HOST, server.port());
              List<String> out = new ArrayList<>();
              c.writer().write(ascii("hello\nwor"));
              c.writer().write(ascii("ld\n"));
              c.writer().drain();
              out.add(new String(c.reader().readLine(), US_ASCII));
              out.add(new String(c.reader().readExactly(6), US_ASCII));
              c.writer().writeEof(); // the server sees the end of the stream and says bye
              out.add(new String(c.reader().read(-1), US_ASCII));
              assertThat(c.reader().atEof()).isTrue();
              assertThat(c.reader().read(10)).isEmpty();
              c.close();
              server.close();
              server.waitClosed();
              assertThat(server.isServing()).isFalse();
              return out;
            });
    assertThat(got).containsExactly("hello\n", "world\n", "bye\n");
  }

  /** A future that is already done, to exercise await's no-switch path inside a handler. */
  private static Future<Void> done() {
    Future<Void> f = EventLoop.current().createFuture();
    f.setResult(null);
    return f;
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void refusedConnectionFailsAtTheTask(TaskMechanism m) throws IOException {
    int port;
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      probe.bind(new InetSocketAddress(HOST, 0));
      port = ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
    EventLoop.run(
        "t",
        m,
        () -> {
          assertThatThrownBy(() -> Connection.open(HOST, port))
              .isInstanceOf(java.net.ConnectException.class);
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void resetAndEarlyEofSurfaceAtTheReadingTask(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          Server resetter =
              Server.start(
                  (r, w) -> {
                    r.readExactly(1);
                    w.connection().socketChannel().setOption(StandardSocketOptions.SO_LINGER, 0);
                    w.connection().abort(); // RST
                  },
                  HOST,
                  0);
          Connection c = Connection.open(HOST, resetter.port());
          c.writer().write(ascii("x"));
          assertThatThrownBy(() -> c.reader().read(100)).isInstanceOf(IOException.class);
          c.abort();

          Server shortOne = Server.start((r, w) -> w.write(ascii("abc")), HOST, 0);
          Connection d = Connection.open(HOST, shortOne.port());
          assertThatThrownBy(() -> d.reader().readExactly(10))
              .isInstanceOfSatisfying(
                  IncompleteReadException.class,
                  e -> {
                    assertThat(new String(e.partial(), US_ASCII)).isEqualTo("abc");
                    assertThat(e.expected()).isEqualTo(10);
                  });
          d.close();
          resetter.close();
          shortOne.close();
          return null;
        });
  }

  /** The logs that name a connection are written after its reset: it must still name its peer. */
  @ParameterizedTest
  @MethodSource("mechanisms")
  void aConnectionStillNamesItsPeerAfterAReset(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          List<String> serverSide = new ArrayList<>();
          Server resetter =
              Server.start(
                  (r, w) -> {
                    serverSide.add(w.connection().toString());
                    r.readExactly(1);
                    w.connection().socketChannel().setOption(StandardSocketOptions.SO_LINGER, 0);
                    w.connection().abort(); // RST
                    serverSide.add(w.connection().toString());
                  },
                  HOST,
                  0);
          Connection c = Connection.open(HOST, resetter.port());
          InetSocketAddress peer = new InetSocketAddress(HOST, resetter.port());
          c.writer().write(ascii("x"));
          assertThatThrownBy(() -> c.reader().read(100)).isInstanceOf(IOException.class);
          assertThat(c.remoteAddress()).isEqualTo(peer);
          assertThat(c.toString()).isEqualTo("Connection[" + peer + ", closed]");
          resetter.close();
          resetter.waitClosed();
          assertThat(serverSide).hasSize(2).noneMatch(name -> name.contains("null"));
          assertThat(serverSide.get(1)).endsWith(", closed]");
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void readUntilStopsAtTheLimit(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          Server server =
              Server.start(
                  (r, w) -> {
                    w.write(new byte[100]);
                    r.read(1);
                  },
                  HOST,
                  0);
          Connection c = Connection.open(HOST, server.port());
          c.reader().setLimit(10);
          assertThatThrownBy(() -> c.reader().readUntil(ascii("\r\n")))
              .isInstanceOf(LimitOverrunException.class);
          assertThat(c.reader().readExactly(100)).hasSize(100); // the data stayed
          c.writer().write(ascii("k"));
          c.close();
          server.close();
          return null;
        });
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void drainSuspendsAboveTheHighWaterMarkUntilThePeerReads(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          AsyncEvent startReading = new AsyncEvent();
          int total = 32 * 1024 * 1024; // more than loopback socket buffers can absorb
          Server sink =
              Server.start(
                  (r, w) -> {
                    startReading.await();
                    log.add("server reads");
                    int n = 0;
                    while (n < total) {
                      n += r.read(1 << 16).length;
                    }
                    w.write(ascii("ok"));
                  },
                  HOST,
                  0);
          Connection c = Connection.open(HOST, sink.port());
          c.writer().setWriteBufferLimits(64 * 1024, 16 * 1024);
          c.writer().write(new byte[total]); // far more than the socket buffers take
          assertThat(c.writer().bufferSize()).isGreaterThan(64 * 1024);
          Task<Void> drainer =
              EventLoop.current()
                  .createTask(
                      "drainer",
                      () -> {
                        c.writer().drain();
                        log.add("drained");
                        return null;
                      });
          Tasks.sleep(Duration.ofMillis(20));
          assertThat(drainer.isDone()).isFalse();
          startReading.set();
          await(drainer);
          assertThat(c.writer().bufferSize()).isLessThanOrEqualTo(16 * 1024);
          assertThat(c.reader().readExactly(2)).isEqualTo(ascii("ok"));
          c.close();
          sink.close();
          sink.waitClosed();
          return null;
        });
    assertThat(log).containsExactly("server reads", "drained");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void waitClosedWaitsForActiveHandlers(TaskMechanism m) {
    List<String> log = new ArrayList<>();
    EventLoop.run(
        "t",
        m,
        () -> {
          Server server =
              Server.start(
                  (r, w) -> {
                    r.read(-1);
                    log.add("handler ended");
                  },
                  HOST,
                  0);
          Connection c = Connection.open(HOST, server.port());
          Tasks.sleep(Duration.ofMillis(5));
          server.close();
          EventLoop.current().callLater(Duration.ofMillis(5), () -> c.writer().writeEof());
          server.waitClosed();
          log.add("closed");
          c.close();
          return null;
        });
    assertThat(log).containsExactly("handler ended", "closed");
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void writingToAResetConnectionFailsAtTheWriter(TaskMechanism m) {
    EventLoop.run(
        "t",
        m,
        () -> {
          Server server =
              Server.start(
                  (r, w) -> {
                    w.connection().socketChannel().setOption(StandardSocketOptions.SO_LINGER, 0);
                    w.connection().abort();
                  },
                  HOST,
                  0);
          Connection c = Connection.open(HOST, server.port());
          try {
            assertThat(c.reader().read(10)).isEmpty(); // EOF, or a reset: the peer is gone
          } catch (IOException reset) {
            // the reset arrived first
          }
          assertThatThrownBy(
                  () -> {
                    for (int i = 0; i < 1000; i++) {
                      c.writer().write(new byte[64 * 1024]);
                      c.writer().drain();
                      Tasks.sleep(Duration.ofMillis(1));
                    }
                  })
              .isInstanceOf(IOException.class);
          server.close();
          return null;
        });
  }

  /**
   * A listening socket with a backlog of 1 that never accepts, filled by two plain connects: Linux
   * queues backlog + 1 connections and drops further SYNs, so the loop's connect can never
   * complete, and only the timeout ends it.
   */
  @ParameterizedTest
  @MethodSource("mechanisms")
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void connectThatCannotCompleteFailsWithTheTimeoutAtTheTask(TaskMechanism m) throws IOException {
    assumeTrue(
        System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux"),
        "relies on Linux dropping SYNs to a full accept queue");
    java.nio.file.Path abort = java.nio.file.Path.of("/proc/sys/net/ipv4/tcp_abort_on_overflow");
    assumeTrue(
        !java.nio.file.Files.isReadable(abort)
            || java.nio.file.Files.readString(abort).trim().equals("0"),
        "tcp_abort_on_overflow makes a full accept queue answer with a reset");
    try (ServerSocket full = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        Socket first = new Socket();
        Socket second = new Socket()) {
      first.connect(full.getLocalSocketAddress(), 10_000);
      second.connect(full.getLocalSocketAddress(), 10_000);
      String outcome =
          EventLoop.run(
              "t",
              m,
              () -> {
                assertThatThrownBy(
                        () -> Connection.open(HOST, full.getLocalPort(), Duration.ofMillis(200)))
                    .isExactlyInstanceOf(java.net.SocketTimeoutException.class)
                    .hasMessageContaining("took longer than PT0.2S")
                    .hasCauseExactlyInstanceOf(java.util.concurrent.TimeoutException.class);
                // the loop goes on serving, and a connect that completes is not cut short
                Server server = Server.start((r, w) -> w.write(r.readExactly(2)), HOST, 0);
                Connection c = Connection.open(HOST, server.port(), Duration.ofSeconds(30));
                c.writer().write(ascii("ok"));
                String echoed = new String(c.reader().readExactly(2), US_ASCII);
                c.close();
                server.close();
                server.waitClosed();
                return echoed;
              });
      assertThat(outcome).isEqualTo("ok");
    }
  }
}
