package dev.baton.eventloop;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;

/**
 * The loop's I/O layer, in the shape of Netty's {@code IoHandler}: the loop's pass ({@link
 * EventLoop}) decides when to poll and how long it may wait; this layer owns the selector and runs
 * the {@link ReadinessHandler}s of the channels that are ready. {@link NioIoHandler} is the one
 * implementation.
 *
 * <h2>Threading</h2>
 *
 * <p>Every method but {@link #wakeup()} MUST run on the loop's thread: the thread running the pass,
 * a task's thread while it holds the loop's baton, or the thread that closes a loop that no longer
 * runs. Selection and the handlers it runs happen inside {@link #poll()} and {@link #select(long)},
 * so handlers run on the loop's thread too. {@link #wakeup()} may be called from any thread.
 */
interface IoHandler {
  /**
   * Registers {@code channel}; the first registration opens the selector. Loop thread only.
   *
   * @param channel a non-blocking channel
   * @param ops the interest set
   * @param handler run when the channel is ready
   * @return the key, with {@code handler} attached
   * @throws IOException if the selector cannot be opened or the channel registered
   */
  SelectionKey register(SelectableChannel channel, int ops, ReadinessHandler handler)
      throws IOException;

  /**
   * Loop thread only.
   *
   * @return whether a channel is registered: the loop then waits in {@link #select(long)} instead
   *     of parking
   */
  boolean hasChannels();

  /**
   * Runs the handlers of the channels ready now, without waiting. Loop thread only.
   *
   * @throws IOException if the selector fails
   */
  void poll() throws IOException;

  /**
   * Waits until a channel is ready, {@link #wakeup()} is called, or {@code timeoutNanos} elapses
   * (rounded up to whole milliseconds), then runs the handlers of the ready channels. Loop thread
   * only, and only while {@link #hasChannels()}.
   *
   * @param timeoutNanos the limit in ns, or -1 for none
   * @throws IOException if the selector fails
   */
  void select(long timeoutNanos) throws IOException;

  /**
   * Makes a {@link #select(long)} in progress, or the next one, return at once. Any thread; called
   * only when the loop has announced that it selects (see {@link EventLoop}'s wake-up protocol).
   */
  void wakeup();

  /** Closes every registered channel and the selector. Loop thread only; once. */
  void close();
}
