package dev.baton.bench.scenario;

import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.Future;
import dev.baton.eventloop.Server;
import dev.baton.eventloop.TaskMechanism;
import dev.baton.eventloop.Tasks;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * TCP echo over 127.0.0.1: 10 concurrent blocking clients, 64-byte messages, against each server
 * (one loop thread each). Clients and server share the machine's cores, as in the asyncio anchor.
 *
 * <p>Baton's server is the streams idiom of asyncio's echo example, one task per connection: {@code
 * read}, {@code write}, {@code drain}, until the end of the stream. It runs with virtual-thread
 * tasks ({@code baton}, the mechanism a JVM without extra flags gets) and, when this JVM exports
 * {@code jdk.internal.vm} (see {@link #jvmArgs()}), with continuations ({@code baton_cont}).
 * Netty's is a pipeline handler writing back each read and flushing at the end of the read batch.
 *
 * <p>The full profile runs the servers in turn, twice (1 s warm-up and a 1.5 s window each time),
 * and merges each server's two windows; the smoke profile runs each once.
 *
 * <p>Keys, per server ({@code baton}, {@code baton_cont}, {@code netty}): {@code _rps}, {@code
 * _p50_us}, {@code _p99_us}, {@code _max_us}.
 */
final class TcpEchoScenario implements Scenario {
  static final int CLIENTS = 10;
  static final int MESSAGE_BYTES = 64;
  static final String HOST = "127.0.0.1";

  @Override
  public String name() {
    return "tcp-echo";
  }

  @Override
  public List<String> jvmArgs() {
    return List.of("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    // every server runs interpreted at first: warm each up even for a smoke run
    long warmup = 1_000;
    long measure = smoke ? 500 : 1_500;
    // the full profile interleaves the servers over two rounds, so none gains from going last
    int rounds = smoke ? 1 : 2;
    List<String> order = new ArrayList<>(List.of("baton"));
    if (TaskMechanism.CONTINUATIONS.isAvailable()) {
      order.add("baton_cont");
    }
    order.add("netty");
    Map<String, Samples> samples = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (String server : order) {
        EchoClients.Outcome outcome =
            switch (server) {
              case "baton" -> baton(TaskMechanism.VIRTUAL_THREADS, warmup, measure);
              case "baton_cont" -> baton(TaskMechanism.CONTINUATIONS, warmup, measure);
              default -> netty(warmup, measure);
            };
        samples.computeIfAbsent(server, k -> new Samples(64 * 1024)).addAll(outcome.samples());
      }
    }
    double seconds = rounds * measure / 1e3;
    for (Map.Entry<String, Samples> e : samples.entrySet()) {
      report(out, e.getKey(), new EchoClients.Outcome(e.getValue(), e.getValue().size() / seconds));
    }
  }

  private static EchoClients.Outcome baton(TaskMechanism mechanism, long warmup, long measure)
      throws Exception {
    try (BatonEcho server = new BatonEcho(mechanism)) {
      return EchoClients.run(server.port, CLIENTS, MESSAGE_BYTES, warmup, measure);
    }
  }

  private static EchoClients.Outcome netty(long warmup, long measure) throws Exception {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new NettyEcho())
              .bind(HOST, 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      EchoClients.Outcome outcome = EchoClients.run(port, CLIENTS, MESSAGE_BYTES, warmup, measure);
      server.close().await(10, TimeUnit.SECONDS);
      return outcome;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }

  static void report(Metrics out, String prefix, EchoClients.Outcome outcome) {
    out.put(prefix + "_rps", outcome.perSecond());
    out.put(prefix + "_p50_us", outcome.samples().percentileNanos(50) / 1e3);
    out.put(prefix + "_p99_us", outcome.samples().percentileNanos(99) / 1e3);
    out.put(prefix + "_max_us", outcome.samples().maxNanos() / 1e3);
  }

  /**
   * Baton's echo server on a loop of its own ({@link EventLoop#run}, so with virtual-thread tasks
   * the loop itself runs on a virtual thread), started by a platform thread and stopped by {@link
   * #close()}.
   */
  static final class BatonEcho implements AutoCloseable {
    final int port;
    private final Thread thread;
    private final CompletableFuture<Runnable> stopper = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    BatonEcho(TaskMechanism mechanism) throws Exception {
      CompletableFuture<Integer> bound = new CompletableFuture<>();
      thread =
          Thread.ofPlatform()
              .name("baton-echo")
              .start(
                  () -> {
                    try {
                      EventLoop.run("echo", mechanism, () -> serve(bound));
                      ended.complete(null);
                    } catch (Throwable e) {
                      bound.completeExceptionally(e);
                      ended.completeExceptionally(e);
                    }
                  });
      port = bound.get(30, TimeUnit.SECONDS);
    }

    private Void serve(CompletableFuture<Integer> bound) throws Exception {
      Server server =
          Server.start(
              (reader, writer) -> {
                byte[] data;
                while ((data = reader.read(4096)).length > 0) {
                  writer.write(data);
                  writer.drain();
                }
              },
              HOST,
              0);
      EventLoop loop = EventLoop.current();
      Future<Void> stop = loop.createFuture();
      stopper.complete(() -> loop.callSoonThreadSafe(() -> stop.setResult(null)));
      bound.complete(server.port());
      Tasks.await(stop);
      server.close();
      return null; // the handlers still running are cancelled as the loop ends
    }

    @Override
    public void close() throws Exception {
      stopper.get(30, TimeUnit.SECONDS).run();
      ended.get(30, TimeUnit.SECONDS);
      thread.join(TimeUnit.SECONDS.toMillis(10));
    }
  }
}
