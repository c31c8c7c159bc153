package dev.baton.eventloop;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The {@link IoHandler} over one {@link Selector}, opened on first registration so that a loop
 * without channels never pays for one (it parks instead). Handlers run through {@link
 * Selector#select(Consumer, long)}, which allocates no selected-key set; a handler's exception is
 * logged with the handler and the selection goes on.
 */
final class NioIoHandler implements IoHandler {
  private final String loopName;

  /** Opened on first registration. Written by the loop thread; read by {@link #wakeup()}. */
  private volatile Selector selector;

  private final Consumer<SelectionKey> onSelected = NioIoHandler::dispatch;

  NioIoHandler(String loopName) {
    this.loopName = loopName;
  }

  @Override
  public SelectionKey register(SelectableChannel channel, int ops, ReadinessHandler handler)
      throws IOException {
    Selector s = selector;
    if (s == null) {
      s = Selector.open();
      selector = s;
    }
    return channel.register(s, ops, handler);
  }

  @Override
  public boolean hasChannels() {
    Selector s = selector;
    return s != null && !s.keys().isEmpty();
  }

  @Override
  public void poll() throws IOException {
    selector.selectNow(onSelected);
  }

  @Override
  public void select(long timeoutNanos) throws IOException {
    long millis =
        timeoutNanos < 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
    selector.select(onSelected, millis);
  }

  @Override
  public void wakeup() {
    Selector s = selector; // non-null: the loop announces SELECTING only with channels registered
    if (s != null) {
      s.wakeup();
    }
  }

  @Override
  public void close() {
    Selector s = selector;
    if (s == null) {
      return;
    }
    for (SelectionKey k : s.keys()) {
      try {
        k.channel().close();
      } catch (IOException e) {
        EventLoop.LOG.debug("closing {} failed", k.channel(), e);
      }
    }
    try {
      s.close();
    } catch (IOException e) {
      EventLoop.LOG.warn("Closing the selector of loop \"{}\" failed", loopName, e);
    }
  }

  private static void dispatch(SelectionKey key) {
    if (!key.isValid()) {
      return;
    }
    ReadinessHandler handler = (ReadinessHandler) key.attachment();
    try {
      handler.ready(key.readyOps());
    } catch (CancelledKeyException closedMeanwhile) {
      // the channel was closed by an earlier handler of this selection
    } catch (Throwable e) {
      EventLoop.LOG.error("Exception in I/O handler {}", handler, e);
    }
  }
}
