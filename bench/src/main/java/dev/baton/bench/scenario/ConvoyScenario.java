package dev.baton.bench.scenario;

import dev.baton.core.Blocking;
import dev.baton.gil.Gil;
import dev.baton.gil.GilPolicy;
import dev.baton.gil.GilRuntime;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Beazley's convoy experiment on 127.0.0.1: an echo server thread under the GIL (its reads and
 * writes release the GIL through {@link Blocking}), a client outside the runtime measuring round
 * trips of 64-byte messages, first alone, then beside a CPU-bound runtime thread (dependent steps,
 * a checkpoint each). The spinner's progress beside the server is compared with its progress alone.
 *
 * <p>Keys, per policy ({@code fair}, {@code cpython}): {@code _alone_p50_us}, {@code _busy_p50_us},
 * {@code _busy_p99_us}, {@code _alone_rps}, {@code _busy_rps}, {@code _spinner_share}.
 */
final class ConvoyScenario implements Scenario {
  static final int MESSAGE_BYTES = 64;

  @Override
  public String name() {
    return "convoy";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    long millis = smoke ? 200 : 2_000;
    for (GilPolicy policy : List.of(GilPolicy.FAIR, GilPolicy.CPYTHON)) {
      measure(policy, millis, out, policy.name().toLowerCase(Locale.ROOT));
    }
  }

  static void measure(GilPolicy policy, long millis, Metrics out, String prefix) throws Exception {
    try (GilRuntime runtime =
            GilRuntime.builder().name("convoy-" + prefix).policy(policy).watchdogOff().build();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Gil gil = runtime.gil();
      Thread echo = runtime.startDaemonThread("echo-server", () -> serve(server));

      spinnerRate(runtime, gil, millis / 4); // warm-up: compile the spinner's loop
      double soloRate = spinnerRate(runtime, gil, millis / 2);

      EchoClients.Outcome alone =
          EchoClients.run(server.getLocalPort(), 1, MESSAGE_BYTES, millis / 4, millis);
      double[] busyRate = new double[1];
      Thread spinner =
          Thread.ofPlatform()
              .start(
                  () -> {
                    try {
                      busyRate[0] = spinnerRate(runtime, gil, millis + millis / 4);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  });
      EchoClients.Outcome busy =
          EchoClients.run(server.getLocalPort(), 1, MESSAGE_BYTES, millis / 8, millis);
      spinner.join(TimeUnit.SECONDS.toMillis(60));
      server.close();
      echo.join(TimeUnit.SECONDS.toMillis(10));

      out.put(prefix + "_alone_p50_us", alone.samples().percentileNanos(50) / 1e3);
      out.put(prefix + "_busy_p50_us", busy.samples().percentileNanos(50) / 1e3);
      out.put(prefix + "_busy_p99_us", busy.samples().percentileNanos(99) / 1e3);
      out.put(prefix + "_alone_rps", alone.perSecond());
      out.put(prefix + "_busy_rps", busy.perSecond());
      out.put(prefix + "_spinner_share", busyRate[0] / soloRate);
    }
  }

  /** Runs a CPU-bound runtime thread for {@code millis} and returns its steps per second. */
  static double spinnerRate(GilRuntime runtime, Gil gil, long millis) throws InterruptedException {
    long[] steps = new long[1];
    Thread thread =
        runtime.startThread(
            "spinner",
            () -> {
              long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
              long x = 7;
              long done = 0;
              while (System.nanoTime() < end) {
                for (int i = 0; i < 1_000; i++) {
                  x = Work.step(x);
                  gil.checkpoint();
                }
                done += 1_000;
              }
              steps[0] = done + (x & 1);
            });
    thread.join(millis + TimeUnit.SECONDS.toMillis(60));
    return steps[0] / (millis / 1e3);
  }

  /** The echo server's body: one connection at a time, until the server socket closes. */
  private static void serve(ServerSocket server) {
    byte[] buffer = new byte[MESSAGE_BYTES];
    while (!server.isClosed()) {
      try (Socket socket = Blocking.call(server::accept)) {
        socket.setTcpNoDelay(true);
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        while (true) {
          int n = Blocking.call(() -> in.read(buffer));
          if (n < 0) {
            break;
          }
          Blocking.run(() -> out.write(buffer, 0, n));
        }
      } catch (java.io.IOException e) {
        // the server socket closed (end of the scenario) or a client went away: next connection
      }
    }
  }
}
