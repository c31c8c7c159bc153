package demo.waits.app;

import demo.waits.Deadline;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;
import java.util.stream.IntStream;

/**
 * A plain-Java program for the agent's end-to-end test of JDK waits: each case blocks in the JDK
 * below a call the agent's list does not name, or on a JDK lock held by a thread that runs included
 * code under it, while other threads need the GIL to unblock it. Prints one line per case.
 */
public final class WaitCases {
  static volatile long sink;

  private WaitCases() {}

  public static void main(String[] args) throws Exception {
    Deadline.start(Duration.ofSeconds(Long.parseLong(args[0])));
    for (int i = 1; i < args.length; i++) {
      Deadline.begin(args[i]);
      System.out.println(args[i] + "=" + run(args[i]));
    }
  }

  static Object run(String name) throws Exception {
    return switch (name) {
      case "executorClose" -> executorClose();
      case "invokeAll" -> invokeAll();
      case "awaitTermination" -> awaitTermination();
      case "parallelStream" -> parallelStream();
      case "phaser" -> phaser();
      case "exchanger" -> exchanger();
      case "stampedLock" -> stampedLock();
      case "interfaceWait" -> interfaceWait();
      case "reflectiveJoin" -> reflectiveJoin();
      case "concurrentHashMap" -> concurrentHashMap();
      case "synchronizedMap" -> synchronizedMap();
      default -> throw new IllegalArgumentException(name);
    };
  }

  /** A loop with checkpoints at its back branch; returns n. */
  static int work(int n) {
    long x = 0;
    for (int i = 0; i < n; i++) {
      x += i ^ (x >>> 3);
    }
    sink = x;
    return n;
  }

  static int executorClose() {
    List<Future<Integer>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      for (int i = 0; i < 4; i++) {
        futures.add(pool.submit(() -> work(200_000)));
      }
    }
    return futures.stream().mapToInt(Future::resultNow).sum();
  }

  static int invokeAll() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        tasks.add(() -> work(200_000));
      }
      return pool.invokeAll(tasks).stream().mapToInt(Future::resultNow).sum();
    } finally {
      pool.shutdownNow();
    }
  }

  static boolean awaitTermination() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    for (int i = 0; i < 4; i++) {
      pool.execute(() -> work(200_000));
    }
    pool.shutdown();
    return pool.awaitTermination(1, TimeUnit.MINUTES);
  }

  static int parallelStream() {
    return IntStream.range(0, 64).parallel().map(i -> work(20_000)).sum();
  }

  static int phaser() throws Exception {
    Phaser phaser = new Phaser(2);
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  work(200_000);
                  phaser.arriveAndAwaitAdvance();
                });
    int phase = phaser.arriveAndAwaitAdvance();
    other.join();
    return phase;
  }

  static String exchanger() throws Exception {
    Exchanger<String> exchanger = new Exchanger<>();
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  work(200_000);
                  try {
                    exchanger.exchange("from other");
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    String got = exchanger.exchange("from main");
    other.join();
    return got;
  }

  static int stampedLock() throws Exception {
    StampedLock lock = new StampedLock();
    CountDownLatch locked = new CountDownLatch(1);
    int[] value = new int[1];
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  long stamp = lock.writeLock();
                  locked.countDown();
                  value[0] = work(200_000);
                  lock.unlockWrite(stamp);
                });
    locked.await();
    long stamp = lock.writeLock();
    int seen = value[0];
    lock.unlockWrite(stamp);
    other.join();
    return seen;
  }

  static String interfaceWait() throws Exception {
    Queue<String> queue = new ArrayDeque<>();
    CountDownLatch waiting = new CountDownLatch(1);
    String[] got = new String[1];
    Thread other =
        Thread.ofPlatform()
            .start(
                () -> {
                  synchronized (queue) {
                    waiting.countDown();
                    while (queue.isEmpty()) {
                      try {
                        queue.wait();
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                    got[0] = queue.poll();
                  }
                });
    waiting.await();
    work(200_000);
    synchronized (queue) {
      queue.add("item");
      queue.notifyAll();
    }
    other.join();
    return got[0];
  }

  static int reflectiveJoin() throws Exception {
    int[] done = new int[1];
    Thread other = Thread.ofPlatform().start(() -> done[0] = work(200_000));
    Thread.class.getMethod("join").invoke(other);
    return done[0];
  }

  static int concurrentHashMap() throws Exception {
    Map<String, Integer> map = new ConcurrentHashMap<>();
    return countFromFourThreads(
        () -> map.compute("n", (k, v) -> (v == null ? 0 : v) + work(2_000) / 2_000),
        () -> map.get("n"));
  }

  static int synchronizedMap() throws Exception {
    Map<String, Integer> map = Collections.synchronizedMap(new HashMap<>());
    int[] calls = new int[1];
    int n =
        countFromFourThreads(
            () -> {
              map.computeIfAbsent("k" + (calls[0]++ % 50), k -> work(2_000));
              map.get("k0");
            },
            () -> calls[0]);
    return n;
  }

  /** Runs step 500 times on each of 4 threads, then returns what total() says. */
  static int countFromFourThreads(Runnable step, Callable<Integer> total) throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 500; i++) {
                      step.run();
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return total.call();
  }
}
