package dev.baton.bench.scenario;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Blocking echo clients on 127.0.0.1: each sends a fixed-size message, reads the echo back in full,
 * and records the round trip; the round trips that end inside the measurement window count. The
 * window opens (after a warm-up) once every client is connected. Bounded in time: every client
 * stops at the end of the window (after the round trip in flight).
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
    Window window = new Window(clients);
    List<Client> all = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      all.add(new Client(port, messageBytes, window));
    }
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      threads.add(Thread.ofPlatform().name("echo-client-" + i).start(all.get(i)));
    }
    // the clock starts once every client is connected, however slow the machine is to start them
    if (!window.connected.await(30, TimeUnit.SECONDS)) {
      window.open(0, 0);
      throw new IllegalStateException("echo clients could not all connect in 30 s");
    }
    long windowStart = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
    window.open(windowStart, windowStart + TimeUnit.MILLISECONDS.toNanos(measureMillis));
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
    if (merged.size() == 0) {
      throw new IllegalStateException(
          "no echo round trip ended in the "
              + measureMillis
              + " ms window: the server never"
              + " answered, or the machine is too loaded to run this scenario now");
    }
    return new Outcome(merged, merged.size() / (measureMillis / 1e3));
  }

  /** When the measurement window opens and closes; published once every client is connected. */
  private static final class Window {
    final CountDownLatch connected;
    final CountDownLatch opened = new CountDownLatch(1);

    /** Written before {@link #opened} is counted down; read after awaiting it. */
    long start;

    long end;

    Window(int clients) {
      connected = new CountDownLatch(clients);
    }

    void open(long start, long end) {
      this.start = start;
      this.end = end;
      opened.countDown();
    }
  }

  private static final class Client implements Runnable {
    private final int port;
    private final int messageBytes;
    private final Window window;
    private final Samples samples = new Samples(16 * 1024);

    /** Written by the client thread; read after join. */
    private Exception failure;

    Client(int port, int messageBytes, Window window) {
      this.port = port;
      this.messageBytes = messageBytes;
      this.window = window;
    }

    @Override
    public void run() {
      try (SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ByteBuffer out = ByteBuffer.allocateDirect(messageBytes);
        ByteBuffer in = ByteBuffer.allocateDirect(messageBytes);
        window.connected.countDown();
        window.opened.await();
        long windowStart = window.start;
        long windowEnd = window.end;
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
          long end = System.nanoTime();
          if (end >= windowStart && end < windowEnd) {
            samples.add(end - start);
          }
        }
      } catch (Exception e) {
        failure = e;
      }
    }
  }
}
