package dev.baton.bench.scenario;

import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.Future;
import dev.baton.eventloop.Server;
import dev.baton.eventloop.TaskMechanism;
import dev.baton.eventloop.Tasks;
import dev.baton.eventloop.TlsOptions;
import dev.baton.examples.SelfSignedTls;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * TLS echo over 127.0.0.1: 10 concurrent blocking clients (JDK {@code SSLSocket}s, TLS 1.3, a
 * self-signed EC certificate made by keytool at start), 64-byte messages, against Baton's TLS
 * streams server ({@code baton_tls}, virtual-thread tasks) and Netty's NIO server with an {@code
 * SslHandler} on the JDK provider ({@code netty_tls}); the same clients over plain TCP against
 * Baton's plain streams server ({@code baton_tcp}) give TLS's cost on the loop. The handshake is
 * done before the window opens. Servers run in turn, twice in the full profile.
 *
 * <p>Keys, per server: {@code _rps}, {@code _p50_us}, {@code _p99_us}, {@code _max_us}.
 */
final class TlsEchoScenario implements Scenario {
  static final int CLIENTS = 10;
  static final int MESSAGE_BYTES = 64;
  static final String HOST = "127.0.0.1";

  @Override
  public String name() {
    return "tls-echo";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    long warmup = 1_000;
    long measure = smoke ? 500 : 1_500;
    int rounds = smoke ? 1 : 2;
    Path dir = Files.createTempDirectory("baton-tls-bench");
    SSLContext[] contexts;
    KeyManagerFactory keys;
    try {
      SelfSignedTls tls = SelfSignedTls.create(dir);
      keys = tls.keys();
      contexts = new SSLContext[] {tls.server(), tls.client()};
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
    Map<String, Samples> samples = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (String server : List.of("baton_tcp", "baton_tls", "netty_tls")) {
        Samples s =
            switch (server) {
              case "baton_tcp" -> baton(null, SocketFactory.getDefault(), warmup, measure);
              case "baton_tls" ->
                  baton(
                      TlsOptions.server(contexts[0]),
                      contexts[1].getSocketFactory(),
                      warmup,
                      measure);
              default -> netty(keys, contexts[1].getSocketFactory(), warmup, measure);
            };
        samples.computeIfAbsent(server, k -> new Samples(64 * 1024)).addAll(s);
      }
    }
    double seconds = rounds * measure / 1e3;
    for (Map.Entry<String, Samples> e : samples.entrySet()) {
      TcpEchoScenario.report(
          out, e.getKey(), new EchoClients.Outcome(e.getValue(), e.getValue().size() / seconds));
    }
  }

  private static Samples baton(TlsOptions tls, SocketFactory clients, long warmup, long measure)
      throws Exception {
    CompletableFuture<Integer> bound = new CompletableFuture<>();
    CompletableFuture<Runnable> stopper = new CompletableFuture<>();
    Thread thread =
        Thread.ofPlatform()
            .name("baton-tls-echo")
            .start(
                () -> {
                  try {
                    EventLoop.run(
                        "echo",
                        TaskMechanism.VIRTUAL_THREADS,
                        () -> {
                          Server.Handler echo =
                              (reader, writer) -> {
                                byte[] data;
                                while ((data = reader.read(4096)).length > 0) {
                                  writer.write(data);
                                  writer.drain();
                                }
                              };
                          Server server =
                              tls == null
                                  ? Server.start(echo, HOST, 0)
                                  : Server.start(echo, HOST, 0, tls);
                          EventLoop loop = EventLoop.current();
                          Future<Void> stop = loop.createFuture();
                          stopper.complete(
                              () -> loop.callSoonThreadSafe(() -> stop.setResult(null)));
                          bound.complete(server.port());
                          Tasks.await(stop);
                          server.close();
                          return null;
                        });
                  } catch (Throwable e) {
                    bound.completeExceptionally(e);
                  }
                });
    try {
      return clients(clients, bound.get(30, TimeUnit.SECONDS), warmup, measure);
    } finally {
      stopper.get(30, TimeUnit.SECONDS).run();
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  private static Samples netty(
      KeyManagerFactory keys, SocketFactory clients, long warmup, long measure) throws Exception {
    SslContext ssl = SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new NettyEcho());
                    }
                  })
              .bind(HOST, 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      Samples s = clients(clients, port, warmup, measure);
      server.close().await(10, TimeUnit.SECONDS);
      return s;
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }

  /** Blocking clients: connect (and handshake), then round trips until the window ends. */
  private static Samples clients(SocketFactory factory, int port, long warmup, long measure)
      throws Exception {
    CountDownLatch ready = new CountDownLatch(CLIENTS);
    CountDownLatch go = new CountDownLatch(1);
    long[] window = new long[2];
    List<Samples> all = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < CLIENTS; i++) {
      Samples mine = new Samples(16 * 1024);
      all.add(mine);
      threads.add(
          Thread.ofPlatform()
              .name("tls-echo-client-" + i)
              .start(
                  () -> {
                    try (Socket socket = factory.createSocket(HOST, port)) {
                      socket.setTcpNoDelay(true);
                      socket.setSoTimeout(30_000);
                      if (socket instanceof SSLSocket s) {
                        s.startHandshake();
                      }
                      OutputStream o = socket.getOutputStream();
                      InputStream in = socket.getInputStream();
                      byte[] msg = new byte[MESSAGE_BYTES];
                      byte[] back = new byte[MESSAGE_BYTES];
                      ready.countDown();
                      go.await();
                      while (true) {
                        long start = System.nanoTime();
                        if (start >= window[1]) {
                          return;
                        }
                        o.write(msg);
                        o.flush();
                        if (in.readNBytes(back, 0, MESSAGE_BYTES) < MESSAGE_BYTES) {
                          throw new IOException("server closed the connection");
                        }
                        long end = System.nanoTime();
                        if (end >= window[0] && end < window[1]) {
                          mine.add(end - start);
                        }
                      }
                    } catch (Exception e) {
                      failures.add(e);
                      ready.countDown();
                    }
                  }));
    }
    if (!ready.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("TLS echo clients could not all connect in 60 s");
    }
    window[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmup);
    window[1] = window[0] + TimeUnit.MILLISECONDS.toNanos(measure);
    go.countDown(); // publishes window[] to the clients
    Samples merged = new Samples(1024);
    for (int i = 0; i < CLIENTS; i++) {
      threads.get(i).join(warmup + measure + 30_000);
      merged.addAll(all.get(i));
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("a TLS echo client failed", failures.get(0));
    }
    return merged;
  }
}
