package dev.baton.eventloop;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One daemon thread for every running loop of the JVM (Vert.x's {@code BlockedThreadChecker}):
 * every {@value #TICK_MILLIS} ms it samples each loop's step counter. A step (callback or task
 * step) still running after the slow-callback threshold is named as the suspect for the loop's
 * slow-batch warning; one still running after the blocked threshold gets the stack of the thread
 * running it logged, again after each further threshold.
 *
 * <p>The loops publish their step counter and current step with opaque writes; the watchdog's own
 * fields in {@link EventLoop} are confined to this thread.
 */
final class LoopWatchdog {
  static final int TICK_MILLIS = 10;

  private static final CopyOnWriteArrayList<EventLoop> LOOPS = new CopyOnWriteArrayList<>();
  private static Thread thread;

  private LoopWatchdog() {}

  static void watch(EventLoop loop) {
    LOOPS.add(loop);
    synchronized (LoopWatchdog.class) {
      if (thread == null) {
        thread = Thread.ofPlatform().daemon().name("baton-loop-watchdog").start(LoopWatchdog::run);
      }
    }
  }

  static void unwatch(EventLoop loop) {
    LOOPS.remove(loop);
  }

  private static void run() {
    while (true) {
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      for (EventLoop loop : LOOPS) {
        try {
          loop.watchdogTick(now);
        } catch (RuntimeException e) {
          EventLoop.LOG.warn("loop watchdog failed on {}", loop, e);
        }
      }
    }
  }
}
