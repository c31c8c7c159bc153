package dev.baton.bench.scenario;

import dev.baton.eventloop.EventLoop;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One event loop, Baton's or a peer's, seen the same way by the loop scenarios: submit from any
 * thread, schedule from the loop thread.
 */
public interface LoopAdapter extends AutoCloseable {

  /**
   * @return the key prefix of this loop's numbers, e.g. {@code netty_nio}
   */
  String key();

  /**
   * @param task run soon on the loop thread; callable from any thread
   */
  void execute(Runnable task);

  /**
   * @param task run soon on the loop thread; called on the loop thread (asyncio's call_soon)
   */
  void callSoon(Runnable task);

  /**
   * @param task run on the loop thread after the delay; called on the loop thread
   * @param delayNanos the delay
   */
  void schedule(Runnable task, long delayNanos);

  @Override
  void close() throws InterruptedException;

  /**
   * @return Netty's DefaultEventLoop (a plain task loop, no selector)
   */
  static LoopAdapter nettyDefault() {
    return new Netty("netty_default", new DefaultEventLoopGroup(1));
  }

  /**
   * @return Netty's NIO event loop (a selector loop), as 4.2 builds it
   */
  static LoopAdapter nettyNio() {
    return new Netty("netty_nio", new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory()));
  }

  /**
   * @return how to start each loop the scenarios compare: Baton's, then Netty's two
   */
  static List<Supplier<LoopAdapter>> all() {
    return List.of(LoopAdapter::baton, LoopAdapter::nettyDefault, LoopAdapter::nettyNio);
  }

  /**
   * @return Baton's event loop, running on a platform thread of its own
   */
  static LoopAdapter baton() {
    return new Baton();
  }

  /** Baton's loop: {@code runForever} on a dedicated thread, closed on that thread. */
  final class Baton implements LoopAdapter {
    private final EventLoop loop = EventLoop.builder().name("bench").build();
    private final Thread thread;

    Baton() {
      thread =
          Thread.ofPlatform()
              .name("bench-loop")
              .start(
                  () -> {
                    loop.runForever();
                    loop.close();
                  });
    }

    @Override
    public String key() {
      return "baton";
    }

    @Override
    public void execute(Runnable task) {
      loop.callSoonThreadSafe(task);
    }

    @Override
    public void callSoon(Runnable task) {
      loop.callSoon(task);
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
      loop.callAt(loop.time() + delayNanos, task);
    }

    @Override
    public void close() throws InterruptedException {
      loop.callSoonThreadSafe(loop::stop);
      thread.join(TimeUnit.SECONDS.toMillis(10));
      if (thread.isAlive()) {
        throw new IllegalStateException("the bench loop did not stop in 10 s");
      }
    }
  }

  /** A Netty event loop group of one thread. */
  final class Netty implements LoopAdapter {
    private final String key;
    private final EventLoopGroup group;
    private final EventExecutor executor;

    Netty(String key, EventLoopGroup group) {
      this.key = key;
      this.group = group;
      this.executor = group.next();
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public void execute(Runnable task) {
      executor.execute(task);
    }

    @Override
    public void callSoon(Runnable task) {
      executor.execute(task);
    }

    @Override
    public void schedule(Runnable task, long delayNanos) {
      executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() throws InterruptedException {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
    }
  }
}
