package dev.baton.eventloop;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One daemon thread for every running loop of the JVM (Vert.x's {@code BlockedThreadChecker}):
 * every {@value #TICK_MILLIS} ms it gives each loop's {@link LoopDiagnostics} a tick, which is
 * where what it looks for and what it reports are described.
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
