package dev.baton.bench.scenario;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Blocking echo clients on 127.0.0.1: each sends a fixed-size message, reads the echo back in full,
 * and records the round trip; only round trips that start inside the measurement window count.
 * Bounded in time: every client stops at the end of the window.
 */
final class EchoClients {
  private EchoClients() {}

  /**
   * The outcome of one run.
   *
   * @param samples every round trip in the window, in nanoseconds
   * @param perSecond round trips per second in the window, all clients together
   */
  record Outcome(Samples samples, double perSecond) {}

  /**
   * @param port the echo server's port on 127.0.0.1
   * @param clients how many concurrent clients
   * @param messageBytes the message size
   * @param warmupMillis how long to run before the window opens
   * @param measureMillis the window's length
   * @return the round trips in the window
   * @throws Exception when a client fails
   */
  static Outcome run(int port, int clients, int messageBytes, long warmupMillis, long measureMillis)
      throws Exception {
    long windowStart = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
    long windowEnd = windowStart + TimeUnit.MILLISECONDS.toNanos(measureMillis);
    List<Client> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      all.add(new Client(port, messageBytes, windowStart, windowEnd));
    }
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      threads.add(Thread.ofPlatform().name("echo-client-" + i).start(all.get(i)));
    }
    Samples merged = new Samples(1024);
    for (int i = 0; i < clients; i++) {
      threads.get(i).join(TimeUnit.MILLISECONDS.toMillis(warmupMillis + measureMillis) + 30_000);
      if (threads.get(i).isAlive()) {
        throw new IllegalStateException("echo client " + i + " did not stop");
      }
      Client client = all.get(i);
      if (client.failure != null) {
        throw new IllegalStateException("echo client " + i + " failed", client.failure);
      }
      merged.addAll(client.samples);
    }
    return new Outcome(merged, merged.size() / (measureMillis / 1e3));
  }

  private static final class Client implements Runnable {
    private final int port;
    private final int messageBytes;
    private final long windowStart;
    private final long windowEnd;
    private final Samples samples = new Samples(16 * 1024);

    /** Written by the client thread; read after join. */
    private Exception failure;

    Client(int port, int messageBytes, long windowStart, long windowEnd) {
      this.port = port;
      this.messageBytes = messageBytes;
      this.windowStart = windowStart;
      this.windowEnd = windowEnd;
    }

    @Override
    public void run() {
      try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ByteBuffer out = ByteBuffer.allocateDirect(messageBytes);
        ByteBuffer in = ByteBuffer.allocateDirect(messageBytes);
        while (true) {
          long start = System.nanoTime();
          if (start >= windowEnd) {
            return;
          }
          out.clear();
          while (out.hasRemaining()) {
            channel.write(out);
          }
          in.clear();
          while (in.hasRemaining()) {
            if (channel.read(in) < 0) {
              throw new IOException("server closed the connection");
            }
          }
          if (start >= windowStart) {
            samples.add(System.nanoTime() - start);
          }
        }
      } catch (Exception e) {
        failure = e;
      }
    }
  }
}
