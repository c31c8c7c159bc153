package dev.baton.examples;

import dev.baton.eventloop.Connection;
import dev.baton.eventloop.DatagramEndpoint;
import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.Server;
import dev.baton.eventloop.StreamReader;
import dev.baton.eventloop.StreamWriter;
import dev.baton.eventloop.Subprocess;
import dev.baton.eventloop.Task;
import dev.baton.eventloop.TaskMechanism;
import dev.baton.eventloop.Tasks;
import dev.baton.eventloop.TlsOptions;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * asyncio's transports on Baton's loop: a TLS echo, a UDP echo, a Unix domain socket echo and a
 * subprocess round trip, each checked and timed; or one line sent to any TLS server.
 */
@Command(
    name = "streams",
    mixinStandardHelpOptions = true,
    description = {
      "The loop's transports beyond TCP: a TLS echo (an SSLEngine driven on the loop), a UDP",
      "echo, a Unix domain socket echo and a subprocess whose pipes are streams on the loop,",
      "each checked byte for byte, with its throughput. --tls-connect HOST:PORT --send TEXT",
      "sends one line to any TLS server and prints the line it answers."
    })
final class StreamsCommand extends ExampleCommand {
  private static final String HOST = "127.0.0.1";

  @Option(names = "--quick", description = "Smaller transfers (for the tour and the tests).")
  boolean quick;

  @Option(
      names = "--tls-connect",
      paramLabel = "HOST:PORT",
      description = "Connect to this TLS server instead, send --send and print the reply line.")
  String tlsConnect;

  @Option(names = "--send", paramLabel = "TEXT", description = "The line --tls-connect sends.")
  String send;

  @Option(
      names = "--insecure",
      description = "With --tls-connect: accept any certificate and name (testing only).")
  boolean insecure;

  @Override
  Map<String, Object> run(Output out) throws Exception {
    if (tlsConnect != null) {
      return connectOnce(out);
    }
    if (send != null || insecure) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--send and --insecure go with --tls-connect HOST:PORT");
    }
    int megabytes = quick ? 2 : 32;
    int datagrams = quick ? 500 : 5_000;
    Path dir = Files.createTempDirectory("baton-streams");
    try {
      SSLContext[] contexts = selfSigned(dir);
      Path socket = dir.resolve("echo.sock");
      Map<String, Object> figures =
          EventLoop.run(
              () -> {
                Map<String, Object> f = new LinkedHashMap<>();
                byte[] data = pattern(megabytes << 20);
                Server tcp = Server.start(StreamsCommand::echo, HOST, 0);
                double tcpRate = echoRate(Connection.open(HOST, tcp.port()), data);
                tcp.close();
                Server tls =
                    Server.start(StreamsCommand::echo, HOST, 0, TlsOptions.server(contexts[0]));
                Connection tlsClient =
                    Connection.openTls(
                        HOST,
                        tls.port(),
                        TlsOptions.client(contexts[1]).withServerName("localhost"));
                String protocol = tlsClient.tlsSession().getProtocol();
                double tlsRate = echoRate(tlsClient, data);
                tls.close();
                Server unix = Server.startUnix(StreamsCommand::echo, socket);
                double unixRate = echoRate(Connection.openUnix(socket), data);
                unix.close();
                double[] udp = udpEcho(datagrams);
                long start = System.nanoTime();
                Subprocess cat = Subprocess.exec("cat");
                Subprocess.Result r = cat.communicate(Arrays.copyOf(data, 1 << 20));
                double subprocessMs = (System.nanoTime() - start) / 1e6;
                boolean subprocessOk =
                    r.exitCode() == 0 && Arrays.equals(r.stdout(), Arrays.copyOf(data, 1 << 20));
                f.put("tls_echo_ok", tlsRate > 0);
                f.put("udp_echo_ok", udp[0] == datagrams);
                f.put("unix_echo_ok", unixRate > 0 && !Files.exists(socket));
                f.put("subprocess_ok", subprocessOk);
                f.put("tls_protocol", protocol);
                f.put("echo_megabytes", megabytes);
                f.put("tcp_echo_mb_per_s", round(tcpRate));
                f.put("tls_echo_mb_per_s", round(tlsRate));
                f.put("unix_echo_mb_per_s", round(unixRate));
                f.put("udp_datagrams", datagrams);
                f.put("udp_echo_per_s", round(udp[1]));
                f.put("subprocess_cat_1mib_ms", round(subprocessMs));
                f.put("task_mechanism", TaskMechanism.defaultMechanism().name().toLowerCase());
                return f;
              });
      Table table = new Table("transport", "echo ok", "rate");
      table.row("TCP", true, figures.get("tcp_echo_mb_per_s") + " MB/s");
      table.row(
          "TLS (" + figures.get("tls_protocol") + ")",
          figures.get("tls_echo_ok"),
          figures.get("tls_echo_mb_per_s") + " MB/s");
      table.row(
          "Unix socket", figures.get("unix_echo_ok"), figures.get("unix_echo_mb_per_s") + " MB/s");
      table.row("UDP", figures.get("udp_echo_ok"), figures.get("udp_echo_per_s") + " datagrams/s");
      table.row(
          "subprocess (cat, 1 MiB)",
          figures.get("subprocess_ok"),
          figures.get("subprocess_cat_1mib_ms") + " ms");
      out.printf(
          "Each stream echo sends %d MiB through a server task on the same loop and checks it"
              + " byte for byte; UDP sends %d datagrams one at a time.%n%n",
          megabytes, datagrams);
      out.println(table.render());
      return figures;
    } finally {
      deleteTree(dir);
    }
  }

  @Override
  String summary(Map<String, Object> figures) {
    if (figures.containsKey("reply")) {
      return "reply=" + figures.get("reply");
    }
    return String.format(
        "tls=%s udp=%s unix=%s subprocess=%s; TLS %s MB/s vs TCP %s MB/s",
        figures.get("tls_echo_ok"),
        figures.get("udp_echo_ok"),
        figures.get("unix_echo_ok"),
        figures.get("subprocess_ok"),
        figures.get("tls_echo_mb_per_s"),
        figures.get("tcp_echo_mb_per_s"));
  }

  private Map<String, Object> connectOnce(Output out) throws Exception {
    int colon = tlsConnect.lastIndexOf(':');
    if (colon <= 0 || send == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--tls-connect needs HOST:PORT and --send TEXT");
    }
    String host = tlsConnect.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(tlsConnect.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--tls-connect: the port of " + tlsConnect + " is not a number");
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, insecure ? new TrustManager[] {new TrustingAnything()} : null, null);
    Map<String, Object> figures =
        EventLoop.run(
            () -> {
              Connection c = Connection.openTls(host, port, TlsOptions.client(context));
              c.writer().write((send + "\n").getBytes(StandardCharsets.UTF_8));
              byte[] line = c.reader().readLine();
              Map<String, Object> f = new LinkedHashMap<>();
              f.put("server", tlsConnect);
              f.put("tls_protocol", c.tlsSession().getProtocol());
              f.put("cipher_suite", c.tlsSession().getCipherSuite());
              f.put("reply", new String(line, StandardCharsets.UTF_8).stripTrailing());
              c.close();
              return f;
            });
    out.printf(
        "%s (%s, %s) answered: %s%n",
        tlsConnect, figures.get("tls_protocol"), figures.get("cipher_suite"), figures.get("reply"));
    return figures;
  }

  /** Echoes until the end of the stream. */
  static void echo(StreamReader r, StreamWriter w) throws IOException {
    byte[] b;
    while ((b = r.read(64 * 1024)).length > 0) {
      w.write(b);
      w.drain();
    }
  }

  /** Sends {@code data} through the echo on {@code c} and reads it back; MB/s, or 0 if wrong. */
  private static double echoRate(Connection c, byte[] data) throws Exception {
    long start = System.nanoTime();
    Task<byte[]> back =
        EventLoop.current().createTask("read back", () -> c.reader().readExactly(data.length));
    for (int off = 0; off < data.length; off += 64 * 1024) {
      c.writer().write(Arrays.copyOfRange(data, off, Math.min(data.length, off + 64 * 1024)));
      c.writer().drain();
    }
    boolean same = Arrays.equals(Tasks.await(back), data);
    double seconds = (System.nanoTime() - start) / 1e9;
    c.close();
    return same ? data.length / 1e6 / seconds : 0;
  }

  /** {answers received, datagrams per second}. */
  private static double[] udpEcho(int count) throws Exception {
    DatagramEndpoint server = DatagramEndpoint.bind(HOST, 0);
    Task<Void> echo =
        EventLoop.current()
            .createTask(
                "udp echo",
                () -> {
                  while (true) {
                    DatagramEndpoint.Datagram d = server.receive();
                    server.sendTo(d.data(), d.sender());
                  }
                });
    DatagramEndpoint client = DatagramEndpoint.connect(HOST, server.localAddress().getPort());
    int ok = 0;
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      byte[] msg = ("datagram " + i).getBytes(StandardCharsets.US_ASCII);
      client.send(msg);
      if (Arrays.equals(client.receive().data(), msg)) {
        ok++;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    echo.cancel();
    client.close();
    server.close();
    return new double[] {ok, count / seconds};
  }

  private static byte[] pattern(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + (i >>> 11));
    }
    return b;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /**
   * A self-signed certificate for "localhost" made by the JDK's keytool: {server context, client
   * context trusting it}.
   */
  static SSLContext[] selfSigned(Path dir) throws Exception {
    SelfSignedTls tls = SelfSignedTls.create(dir);
    return new SSLContext[] {tls.server(), tls.client()};
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** --insecure: accepts any certificate for any name. */
  private static final class TrustingAnything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
