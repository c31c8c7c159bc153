package dev.baton.bench.scenario;

import dev.baton.eventloop.DatagramEndpoint;
import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.Subprocess;
import dev.baton.eventloop.Task;
import dev.baton.eventloop.TaskMechanism;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The loop's other transports against the JDK used directly, same run:
 *
 * <ul>
 *   <li>UDP echo: a {@code DatagramEndpoint} echo task and a connected client task on one loop,
 *       64-byte datagrams one at a time ({@code udp_baton_per_s}); the peer is two blocking {@code
 *       DatagramChannel}s, an echo thread and a client thread ({@code udp_jdk_per_s}).
 *   <li>Subprocess spawn + communicate: {@code Subprocess.exec("cat").communicate(64 bytes)} on the
 *       loop ({@code subprocess_baton_p50_ms}) against {@code ProcessBuilder.start}, write, close,
 *       read all, {@code waitFor} on the calling thread ({@code subprocess_jdk_p50_ms}).
 * </ul>
 */
final class TransportsScenario implements Scenario {
  private static final String HOST = "127.0.0.1";

  @Override
  public String name() {
    return "transports";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    int datagrams = smoke ? 2_000 : 20_000;
    int spawns = smoke ? 20 : 100;
    for (int round = 0; round < 2; round++) { // the first round warms up
      double batonUdp = batonUdp(datagrams);
      double jdkUdp = jdkUdp(datagrams);
      Samples batonSpawn = batonSpawn(spawns);
      Samples jdkSpawn = jdkSpawn(spawns);
      if (round == 1) {
        out.put("udp_baton_per_s", batonUdp);
        out.put("udp_jdk_per_s", jdkUdp);
        out.put("subprocess_baton_p50_ms", batonSpawn.percentileNanos(50) / 1e6);
        out.put("subprocess_jdk_p50_ms", jdkSpawn.percentileNanos(50) / 1e6);
      }
    }
  }

  private static double batonUdp(int count) {
    return EventLoop.run(
        "udp",
        TaskMechanism.VIRTUAL_THREADS,
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
          DatagramEndpoint client = DatagramEndpoint.connect(HOST, server.localAddress().getPort());
          byte[] msg = new byte[64];
          long start = System.nanoTime();
          for (int i = 0; i < count; i++) {
            client.send(msg);
            client.receive();
          }
          double rate = count / ((System.nanoTime() - start) / 1e9);
          echo.cancel();
          client.close();
          server.close();
          return rate;
        });
  }

  private static double jdkUdp(int count) throws Exception {
    try (DatagramChannel server = DatagramChannel.open();
        DatagramChannel client = DatagramChannel.open()) {
      server.bind(new InetSocketAddress(HOST, 0));
      client.connect(server.getLocalAddress());
      Thread echo =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    ByteBuffer b = ByteBuffer.allocate(65_536);
                    try {
                      while (true) {
                        b.clear();
                        var from = server.receive(b);
                        b.flip();
                        server.send(b, from);
                      }
                    } catch (Exception closed) {
                      // the channel closed: the run is over
                    }
                  });
      ByteBuffer msg = ByteBuffer.allocate(64);
      ByteBuffer in = ByteBuffer.allocate(65_536);
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        msg.clear();
        client.write(msg);
        in.clear();
        client.read(in);
      }
      double rate = count / ((System.nanoTime() - start) / 1e9);
      server.close();
      echo.join(TimeUnit.SECONDS.toMillis(10));
      return rate;
    }
  }

  private static Samples batonSpawn(int count) {
    byte[] input = new byte[64];
    return EventLoop.run(
        "spawn",
        TaskMechanism.VIRTUAL_THREADS,
        () -> {
          Samples s = new Samples(count);
          for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Subprocess.Result r = Subprocess.exec("cat").communicate(input);
            if (r.exitCode() != 0 || !Arrays.equals(r.stdout(), input)) {
              throw new IllegalStateException("cat did not echo its input");
            }
            s.add(System.nanoTime() - start);
          }
          return s;
        });
  }

  private static Samples jdkSpawn(int count) throws Exception {
    byte[] input = new byte[64];
    Samples s = new Samples(count);
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      Process p = new ProcessBuilder("cat").start();
      try (OutputStream o = p.getOutputStream()) {
        o.write(input);
      }
      byte[] back;
      try (InputStream in = p.getInputStream()) {
        back = in.readAllBytes();
      }
      p.getErrorStream().close();
      if (p.waitFor() != 0 || !Arrays.equals(back, input)) {
        throw new IllegalStateException("cat did not echo its input");
      }
      s.add(System.nanoTime() - start);
    }
    return s;
  }
}
