package dev.baton.bench;

import dev.baton.bench.scenario.LoopAdapter;
import org.openjdk.jmh.annotations.Param;

/** {@link LoopBench} on the peers: Netty 4.2's {@code DefaultEventLoop} and NIO event loop. */
public class NettyLoopBench extends LoopBench {

  /** Which Netty loop. */
  @Param({"default", "nio"})
  public String loop;

  @Override
  LoopAdapter newLoop() {
    return loop.equals("nio") ? LoopAdapter.nettyNio() : LoopAdapter.nettyDefault();
  }
}
