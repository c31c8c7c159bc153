package dev.baton.bench.scenario;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.eventloop.TaskMechanism;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TcpEchoScenarioTest {

  static List<TaskMechanism> mechanisms() {
    // bench's surefire configuration exports jdk.internal.vm, as the scenario's JVM does
    assertThat(TaskMechanism.CONTINUATIONS.isAvailable()).isTrue();
    return Arrays.asList(TaskMechanism.values());
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void batonServerEchoesEveryClientsMessagesAndStops(TaskMechanism mechanism) throws Exception {
    EchoClients.Outcome outcome;
    try (TcpEchoScenario.BatonEcho server = new TcpEchoScenario.BatonEcho(mechanism)) {
      // the clients check each echo's length; a server that never answers leaves no sample
      outcome = EchoClients.run(server.port, 3, TcpEchoScenario.MESSAGE_BYTES, 0, 200);
    }
    assertThat(outcome.samples().size()).isPositive();
    assertThat(outcome.perSecond()).isPositive();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void batonServerSendsBackTheBytesItReceived(TaskMechanism mechanism) throws Exception {
    try (TcpEchoScenario.BatonEcho server = new TcpEchoScenario.BatonEcho(mechanism);
        Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(30_000);
      byte[] message = "sixty-four bytes or fewer, echoed as they came".getBytes(US_ASCII);
      socket.getOutputStream().write(message);
      assertThat(socket.getInputStream().readNBytes(message.length)).isEqualTo(message);
    }
  }
}
