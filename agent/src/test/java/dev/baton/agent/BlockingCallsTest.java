package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each group of blocking JDK calls, made by instrumented code holding the GIL, releases the GIL
 * while it blocks: another thread gets the GIL before the call is unblocked, which only happens
 * after that. Without the rewrite the other thread would wait for ever (and the test fail after
 * {@link AgentFixture#PATIENCE}).
 */
class BlockingCallsTest {
  private AgentFixture agent;
  private final CountDownLatch started = new CountDownLatch(1);

  @BeforeEach
  void setUp() {
    agent = new AgentFixture(Duration.ofMillis(5));
  }

  @AfterEach
  void tearDown() {
    agent.close();
  }

  /** A blocking sample call on its own thread; {@link #finish()} returns its result. */
  private final class Blocked {
    final CompletableFuture<Object> result = new CompletableFuture<>();
    final Thread thread;

    Blocked(String method, Object... args) throws InterruptedException {
      thread =
          Thread.ofPlatform()
              .daemon()
              .name("blocked-" + method)
              .start(
                  () -> {
                    try {
                      result.complete(agent.call("Blockers", method, args));
                    } catch (Throwable t) {
                      result.completeExceptionally(t);
                    }
                  });
      assertThat(started.await(AgentFixture.PATIENCE.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    }

    Object finish() throws Exception {
      return result.get(AgentFixture.PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Test
  void sleepReleasesTheGil() throws Exception {
    Blocked blocked = new Blocked("sleep", started);
    assertThat(agent.gilAvailable()).isTrue();
    blocked.thread.interrupt();
    assertThat(blocked.finish()).isEqualTo("interrupted");
  }

  @Test
  void joinReleasesTheGil() throws Exception {
    CountDownLatch end = new CountDownLatch(1);
    Thread other =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try {
                    end.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
    Blocked blocked = new Blocked("join", started, other);
    assertThat(agent.gilAvailable()).isTrue();
    end.countDown();
    assertThat(blocked.finish()).isEqualTo("joined");
  }

  @Test
  void objectWaitReleasesTheGil() throws Exception {
    Object lock = new Object();
    AtomicBoolean done = new AtomicBoolean();
    Blocked blocked = new Blocked("waitOn", started, lock, done);
    assertThat(agent.gilAvailable()).isTrue();
    synchronized (lock) {
      done.set(true);
      lock.notifyAll();
    }
    assertThat(blocked.finish()).isEqualTo("notified");
  }

  @Test
  void parkReleasesTheGil() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    Blocked blocked = new Blocked("park", started, done);
    assertThat(agent.gilAvailable()).isTrue();
    done.set(true);
    LockSupport.unpark(blocked.thread);
    assertThat(blocked.finish()).isEqualTo("unparked");
  }

  @Test
  void futureGetReleasesTheGil() throws Exception {
    CompletableFuture<String> future = new CompletableFuture<>();
    Blocked blocked = new Blocked("get", started, future);
    assertThat(agent.gilAvailable()).isTrue();
    future.complete("done");
    assertThat(blocked.finish()).isEqualTo("done");
  }

  @Test
  void blockingQueueTakeReleasesTheGil() throws Exception {
    BlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
    Blocked blocked = new Blocked("take", started, queue);
    assertThat(agent.gilAvailable()).isTrue();
    queue.put("item");
    assertThat(blocked.finish()).isEqualTo("item");
  }

  @Test
  void countDownLatchAwaitReleasesTheGil() throws Exception {
    CountDownLatch latch = new CountDownLatch(1);
    Blocked blocked = new Blocked("await", started, latch);
    assertThat(agent.gilAvailable()).isTrue();
    latch.countDown();
    assertThat(blocked.finish()).isEqualTo("opened");
  }

  @Test
  void lockReleasesTheGil() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    lock.lock();
    Blocked blocked;
    try {
      blocked = new Blocked("lock", started, lock);
      assertThat(agent.gilAvailable()).isTrue();
    } finally {
      lock.unlock();
    }
    assertThat(blocked.finish()).isEqualTo("locked");
  }

  @Test
  void conditionAwaitReleasesTheGil() throws Exception {
    ReentrantLock lock = new ReentrantLock();
    Condition condition = lock.newCondition();
    AtomicBoolean done = new AtomicBoolean();
    Blocked blocked = new Blocked("awaitCondition", started, lock, condition, done);
    assertThat(agent.gilAvailable()).isTrue();
    lock.lock();
    try {
      done.set(true);
      condition.signalAll();
    } finally {
      lock.unlock();
    }
    assertThat(blocked.finish()).isEqualTo("signalled");
  }

  @Test
  void semaphoreAcquireReleasesTheGil() throws Exception {
    Semaphore semaphore = new Semaphore(0);
    Blocked blocked = new Blocked("acquire", started, semaphore);
    assertThat(agent.gilAvailable()).isTrue();
    semaphore.release();
    assertThat(blocked.finish()).isEqualTo("acquired");
  }

  @Test
  void processWaitForReleasesTheGil() throws Exception {
    // cat waits for its stdin to close
    Process cat = startCat();
    Blocked blocked = new Blocked("waitFor", started, cat);
    assertThat(agent.gilAvailable()).isTrue();
    cat.getOutputStream().close();
    assertThat(blocked.finish()).isEqualTo(0);
  }

  @Test
  void socketStreamReadReleasesTheGil() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      InputStream in = client.getInputStream();
      Blocked blocked = new Blocked("read", started, in);
      assertThat(agent.gilAvailable()).isTrue();
      OutputStream out = accepted.getOutputStream();
      out.write(7);
      out.flush();
      assertThat(blocked.finish()).isEqualTo(7);
    }
  }

  @Test
  void socketChannelReadReleasesTheGil() throws Exception {
    try (ServerSocketChannel server =
            ServerSocketChannel.open()
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      Blocked blocked = new Blocked("readChannel", started, client);
      assertThat(agent.gilAvailable()).isTrue();
      accepted.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
      assertThat(blocked.finish()).isEqualTo(3);
    }
  }

  @Test
  void filesReadReleasesTheGil(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("fifo");
    assumeTrue(mkfifo(fifo), "mkfifo is available (a file read that blocks until written)");
    Blocked blocked = new Blocked("readFile", started, fifo);
    assertThat(agent.gilAvailable()).isTrue();
    Files.writeString(fifo, "through the pipe");
    assertThat(blocked.finish()).isEqualTo("through the pipe");
  }

  @Test
  void httpClientSendReleasesTheGil() throws Exception {
    CountDownLatch respond = new CountDownLatch(1);
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try {
            respond.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    try (HttpClient client = HttpClient.newHttpClient()) {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      Blocked blocked = new Blocked("send", started, client, uri);
      assertThat(agent.gilAvailable()).isTrue();
      respond.countDown();
      assertThat(blocked.finish()).isEqualTo("hello");
    } finally {
      server.stop(0);
    }
  }

  private static Process startCat() throws IOException {
    return new ProcessBuilder("cat").redirectErrorStream(true).start();
  }

  private static boolean mkfifo(Path fifo) {
    try {
      Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
