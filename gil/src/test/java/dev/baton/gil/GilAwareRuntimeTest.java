package dev.baton.gil;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The primitives on real GIL runtime threads, under both policies: a thread blocked in a primitive
 * must let another runtime thread take the GIL and run, and must hold the GIL again when the
 * primitive returns; a non-blocking call must be a checkpoint.
 */
class GilAwareRuntimeTest {

  private static final long BOUND_SECONDS = 30;

  /** A wait on a runtime thread, and what ends it, run by another runtime thread. */
  private interface Scenario {
    void block() throws Exception;

    void unblock() throws Exception;
  }

  private static Scenario queueGet() {
    GilQueue<String> queue = new GilQueue<>();
    return new Scenario() {
      @Override
      public void block() throws Exception {
        assertThat(queue.take()).isEqualTo("item");
      }

      @Override
      public void unblock() throws Exception {
        queue.put("item");
      }
    };
  }

  private static Scenario queuePut() throws Exception {
    GilQueue<String> queue = new GilQueue<>(1);
    queue.put("first");
    return new Scenario() {
      @Override
      public void block() throws Exception {
        queue.put("second");
      }

      @Override
      public void unblock() throws Exception {
        assertThat(queue.take()).isEqualTo("first");
      }
    };
  }

  private static Scenario queueJoin() throws Exception {
    GilQueue<String> queue = new GilQueue<>();
    queue.put("task");
    return new Scenario() {
      @Override
      public void block() throws Exception {
        queue.join();
      }

      @Override
      public void unblock() throws Exception {
        queue.take();
        queue.taskDone();
      }
    };
  }

  private static Scenario lock() throws Exception {
    GilLock lock = new GilLock();
    lock.lock();
    return new Scenario() {
      @Override
      public void block() throws Exception {
        lock.lock();
      }

      @Override
      public void unblock() {
        lock.unlock();
      }
    };
  }

  private static Scenario condition() {
    GilCondition condition = new GilCondition();
    AtomicBoolean ready = new AtomicBoolean();
    return new Scenario() {
      @Override
      public void block() throws Exception {
        try (HeldLock held = condition.hold()) {
          condition.waitFor(ready::get);
        }
      }

      @Override
      public void unblock() throws Exception {
        try (HeldLock held = condition.hold()) {
          ready.set(true);
          condition.signalAll();
        }
      }
    };
  }

  private static Scenario event() {
    GilEvent event = new GilEvent();
    return new Scenario() {
      @Override
      public void block() throws Exception {
        event.await();
      }

      @Override
      public void unblock() {
        event.set();
      }
    };
  }

  private static Scenario semaphore() {
    GilSemaphore semaphore = new GilSemaphore(0);
    return new Scenario() {
      @Override
      public void block() throws Exception {
        semaphore.acquire();
      }

      @Override
      public void unblock() {
        semaphore.release();
      }
    };
  }

  private static Scenario stream() throws Exception {
    PipedOutputStream writer = new PipedOutputStream();
    InputStream in = GilIO.wrap(new PipedInputStream(writer));
    OutputStream out = GilIO.wrap(writer);
    return new Scenario() {
      @Override
      public void block() throws Exception {
        assertThat(in.read()).isEqualTo('x');
      }

      @Override
      public void unblock() throws Exception {
        out.write('x');
        out.flush();
      }
    };
  }

  private static Scenario socket() throws Exception {
    GilServerSocket server =
        GilServerSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    GilSocket client = GilSocket.connect(server.localAddress());
    GilSocket peer = server.accept();
    server.close();
    return new Scenario() {
      @Override
      public void block() throws Exception {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        while (buffer.hasRemaining()) {
          assertThat(peer.read(buffer)).isNotNegative();
        }
        assertThat(new String(buffer.array(), US_ASCII)).isEqualTo("ping");
        peer.close();
      }

      @Override
      public void unblock() throws Exception {
        client.write(ByteBuffer.wrap("ping".getBytes(US_ASCII)));
        client.close();
      }
    };
  }

  static Stream<Arguments> scenarios() throws Exception {
    Stream.Builder<Arguments> all = Stream.builder();
    for (GilPolicy policy : GilPolicy.values()) {
      all.add(Arguments.of(policy, "GilQueue.take", queueGet()));
      all.add(Arguments.of(policy, "GilQueue.put", queuePut()));
      all.add(Arguments.of(policy, "GilQueue.join", queueJoin()));
      all.add(Arguments.of(policy, "GilLock.lock", lock()));
      all.add(Arguments.of(policy, "GilCondition.waitFor", condition()));
      all.add(Arguments.of(policy, "GilEvent.await", event()));
      all.add(Arguments.of(policy, "GilSemaphore.acquire", semaphore()));
      all.add(Arguments.of(policy, "GilIO stream read", stream()));
      all.add(Arguments.of(policy, "GilSocket.read", socket()));
    }
    return all.build();
  }

  @ParameterizedTest(name = "{1} under {0}")
  @MethodSource("scenarios")
  void aThreadBlockedInAPrimitiveLetsAnotherRuntimeThreadRun(
      GilPolicy policy, String name, Scenario scenario) throws Exception {
    try (GilRuntime runtime = GilRuntime.builder().name("sync").policy(policy).build()) {
      Gil gil = runtime.gil();
      CompletableFuture<Boolean> blocked = new CompletableFuture<>();
      CompletableFuture<Boolean> other = new CompletableFuture<>();
      CountDownLatch running = new CountDownLatch(1);
      runtime.startDaemonThread(
          "blocked",
          () -> {
            try {
              running.countDown();
              scenario.block();
              blocked.complete(gil.isHeldByCurrentThread());
            } catch (Throwable failure) {
              blocked.completeExceptionally(failure);
            }
          });
      assertThat(running.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
      runtime.startDaemonThread(
          "other",
          () -> {
            try {
              // Running here means holding the GIL, while the first thread has not returned.
              boolean ranWhileBlocked = gil.isHeldByCurrentThread() && !blocked.isDone();
              scenario.unblock();
              other.complete(ranWhileBlocked);
            } catch (Throwable failure) {
              other.completeExceptionally(failure);
            }
          });
      assertThat(other.get(BOUND_SECONDS, TimeUnit.SECONDS))
          .as("the other thread got the GIL while %s waited", name)
          .isTrue();
      assertThat(blocked.get(BOUND_SECONDS, TimeUnit.SECONDS))
          .as("%s returned holding the GIL", name)
          .isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void aCallThatDoesNotBlockIsStillACheckpoint(GilPolicy policy) throws Exception {
    try (GilRuntime runtime =
        GilRuntime.builder()
            .name("spin")
            .policy(policy)
            .switchInterval(Duration.ofMillis(1))
            .build()) {
      GilEvent stop = new GilEvent();
      CompletableFuture<Long> spinner = new CompletableFuture<>();
      CountDownLatch spinning = new CountDownLatch(1);
      runtime.startDaemonThread(
          "spinner",
          () -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOUND_SECONDS);
            long polls = 0;
            spinning.countDown();
            // No checkpoint in this loop but the one inside isSet().
            while (!stop.isSet() && System.nanoTime() < deadline) {
              polls++;
            }
            spinner.complete(stop.isSet() ? polls : -1);
          });
      assertThat(spinning.await(BOUND_SECONDS, TimeUnit.SECONDS)).isTrue();
      runtime.startDaemonThread("stopper", stop::set);
      assertThat(spinner.get(BOUND_SECONDS + 10, TimeUnit.SECONDS))
          .as("the stopper got the GIL at a checkpoint inside isSet()")
          .isPositive();
      assertThat(runtime.stats().forcedSwitches() + runtime.stats().handOffs()).isPositive();
    }
  }
}
