package dev.baton.agent.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;

/**
 * Plain Java that blocks in the JDK, one method per group of blocking calls; each counts down
 * {@code started} (holding the GIL) just before it blocks.
 */
public final class Blockers {
  private Blockers() {}

  public static String sleep(CountDownLatch started) {
    started.countDown();
    try {
      Thread.sleep(120_000);
      return "slept";
    } catch (InterruptedException e) {
      return "interrupted";
    }
  }

  public static String join(CountDownLatch started, Thread other) throws InterruptedException {
    started.countDown();
    other.join();
    return "joined";
  }

  public static String waitOn(CountDownLatch started, Object lock, AtomicBoolean done)
      throws InterruptedException {
    synchronized (lock) {
      started.countDown();
      while (!done.get()) {
        lock.wait();
      }
    }
    return "notified";
  }

  public static String park(CountDownLatch started, AtomicBoolean done) {
    started.countDown();
    while (!done.get()) {
      LockSupport.park();
    }
    return "unparked";
  }

  public static Object get(CountDownLatch started, Future<?> future)
      throws InterruptedException, ExecutionException {
    started.countDown();
    return future.get();
  }

  public static Object take(CountDownLatch started, BlockingQueue<?> queue)
      throws InterruptedException {
    started.countDown();
    return queue.take();
  }

  public static String await(CountDownLatch started, CountDownLatch latch)
      throws InterruptedException {
    started.countDown();
    latch.await();
    return "opened";
  }

  public static String lock(CountDownLatch started, Lock lock) {
    started.countDown();
    lock.lock();
    lock.unlock();
    return "locked";
  }

  public static String awaitCondition(
      CountDownLatch started, Lock lock, Condition condition, AtomicBoolean done)
      throws InterruptedException {
    lock.lock();
    try {
      started.countDown();
      while (!done.get()) {
        condition.await();
      }
    } finally {
      lock.unlock();
    }
    return "signalled";
  }

  public static String acquire(CountDownLatch started, Semaphore semaphore)
      throws InterruptedException {
    started.countDown();
    semaphore.acquire();
    return "acquired";
  }

  public static Integer waitFor(CountDownLatch started, Process process)
      throws InterruptedException {
    started.countDown();
    return process.waitFor();
  }

  public static Integer read(CountDownLatch started, InputStream in) throws IOException {
    started.countDown();
    return in.read();
  }

  public static Integer readChannel(CountDownLatch started, SocketChannel channel)
      throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(16);
    started.countDown();
    return channel.read(buffer);
  }

  public static String readFile(CountDownLatch started, Path file) throws IOException {
    started.countDown();
    return Files.readString(file);
  }

  public static String send(CountDownLatch started, HttpClient client, URI uri)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).build();
    started.countDown();
    return client.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Sleeps in the agent's reach, then in code it does not instrument. */
  public static String sleepInAndOut(long millis) throws InterruptedException {
    Thread.sleep(millis);
    dev.baton.agent.NotIncluded.sleep(millis);
    return "slept";
  }
}
