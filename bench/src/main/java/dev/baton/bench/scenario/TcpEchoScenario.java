package dev.baton.bench.scenario;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * TCP echo over 127.0.0.1: 10 concurrent blocking clients, 64-byte messages, against each server
 * (one loop thread each). Clients and server share the machine's cores, as in the asyncio anchor.
 *
 * <p>Keys, per server ({@code netty}): {@code _rps}, {@code _p50_us}, {@code _p99_us}, {@code
 * _max_us}.
 */
final class TcpEchoScenario implements Scenario {
  static final int CLIENTS = 10;
  static final int MESSAGE_BYTES = 64;

  @Override
  public String name() {
    return "tcp-echo";
  }

  @Override
  public void run(boolean smoke, Metrics out) throws Exception {
    long warmup =
        1_000; // Netty's pipeline runs interpreted at first: warm it up even for a smoke run
    long measure = smoke ? 500 : 3_000;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(new Echo())
              .bind("127.0.0.1", 0)
              .sync()
              .channel();
      int port = ((InetSocketAddress) server.localAddress()).getPort();
      report(out, "netty", EchoClients.run(port, CLIENTS, MESSAGE_BYTES, warmup, measure));
      server.close().await(10, TimeUnit.SECONDS);
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

  /** Writes back what it reads; one instance serves every connection. */
  @ChannelHandler.Sharable
  private static final class Echo extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
