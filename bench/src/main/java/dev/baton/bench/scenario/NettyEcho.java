package dev.baton.bench.scenario;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The Netty peer's echo handler: writes back what it reads, flushing once per read burst. It keeps
 * no state, so one instance serves every connection; behind an {@code SslHandler} it sees
 * plaintext.
 */
@ChannelHandler.Sharable
final class NettyEcho extends ChannelInboundHandlerAdapter {
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
