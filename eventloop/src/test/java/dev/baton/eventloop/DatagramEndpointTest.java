package dev.baton.eventloop;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramEndpointTest {
  private static final String HOST = "127.0.0.1";

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void echoesDatagrams(TaskMechanism m) {
    List<String> got =
        EventLoop.run(
            "udp",
            m,
            () -> {
              DatagramEndpoint server = DatagramEndpoint.bind(HOST, 0);
              Task<Void> echo =
                  EventLoop.current()
                      .createTask(
                          "echo",
                          () -> {
                            while (true) {
                              DatagramEndpoint.Datagram d = server.receive();
                              server.sendTo(d.data(), d.sender());
                            }
                          });
              DatagramEndpoint client =
                  DatagramEndpoint.connect(HOST, server.localAddress().getPort());
              List<String> out = new ArrayList<>();
              for (int i = 0; i < 100; i++) {
                client.send(("ping " + i).getBytes(US_ASCII));
                DatagramEndpoint.Datagram d = client.receive();
                if (i % 50 == 0) {
                  out.add(new String(d.data(), US_ASCII));
                  out.add(String.valueOf(d.sender().equals(server.localAddress())));
                }
              }
              client.close();
              server.close();
              echo.cancel();
              return out;
            });
    assertThat(got).containsExactly("ping 0", "true", "ping 50", "true");
  }

  @Test
  void aDatagramToAClosedPortFailsTheNextReceiveOnly() throws Exception {
    int closedPort;
    try (DatagramChannel gone = DatagramChannel.open()) {
      gone.bind(new java.net.InetSocketAddress(HOST, 0));
      closedPort = ((java.net.InetSocketAddress) gone.getLocalAddress()).getPort();
    }
    int port = closedPort;
    List<Object> got =
        EventLoop.run(
            () -> {
              List<Object> out = new ArrayList<>();
              DatagramEndpoint e = DatagramEndpoint.connect(HOST, port);
              e.send("anyone?".getBytes(US_ASCII));
              try {
                e.receive();
                out.add("received");
              } catch (PortUnreachableException expected) {
                out.add("unreachable");
              }
              // the endpoint still works: a peer bound on that port now gets the next datagram
              DatagramEndpoint peer = DatagramEndpoint.bind(HOST, port);
              e.send("now?".getBytes(US_ASCII));
              out.add(new String(peer.receive().data(), US_ASCII));
              e.close();
              peer.close();
              return out;
            });
    assertThat(got).containsExactly("unreachable", "now?");
  }

  @Test
  void anOversizedDatagramFailsThatSendOnly() {
    List<Object> got =
        EventLoop.run(
            () -> {
              List<Object> out = new ArrayList<>();
              DatagramEndpoint server = DatagramEndpoint.bind(HOST, 0);
              DatagramEndpoint client =
                  DatagramEndpoint.connect(HOST, server.localAddress().getPort());
              try {
                client.send(new byte[70_000]);
                out.add("sent");
              } catch (IOException e) {
                out.add("refused");
              }
              client.send("small".getBytes(US_ASCII));
              out.add(new String(server.receive().data(), US_ASCII));
              client.close();
              try {
                client.send("x".getBytes(US_ASCII));
              } catch (IOException e) {
                out.add("closed");
              }
              server.close();
              return out;
            });
    assertThat(got).containsExactly("refused", "small", "closed");
  }
}
