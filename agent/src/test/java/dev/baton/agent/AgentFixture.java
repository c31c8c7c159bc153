package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.runtime.Hooks;
import dev.baton.gil.GilRuntime;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A fresh agent runtime and a loader of instrumented samples, for one test. */
final class AgentFixture implements AutoCloseable {
  /** Long enough for a loaded machine; a wait that needs it has failed. */
  static final Duration PATIENCE = Duration.ofSeconds(60);

  final GilRuntime runtime;
  final InstrumentingLoader loader = new InstrumentingLoader();

  static {
    BatonAgent.initialiseEventClasses(); // as the agent does at start-up
  }

  AgentFixture(Duration interval) {
    this(GilRuntime.builder().name("agent-test").switchInterval(interval));
  }

  AgentFixture(GilRuntime.Builder builder) {
    runtime = builder.build();
    Hooks.install(runtime, InstrumentingLoader::instrumented);
  }

  Class<?> sample(String simpleName) {
    try {
      return loader.loadClass(InstrumentingLoader.SAMPLES + simpleName);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** Calls a public static method of a sample, unwrapping its exception. */
  Object call(String simpleName, String method, Object... args) throws Exception {
    Class<?> type = sample(simpleName);
    Method m =
        Arrays.stream(type.getMethods())
            .filter(x -> x.getName().equals(method) && x.getParameterCount() == args.length)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no method " + method + " in " + type));
    try {
      return m.invoke(null, args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Takes and gives back the runtime's GIL on another thread, within {@link #PATIENCE}.
   *
   * @return whether it got the GIL in time
   */
  boolean gilAvailable() throws InterruptedException, ExecutionException {
    CompletableFuture<Void> taken =
        CompletableFuture.runAsync(
            () -> {
              try (GilRuntime.Ensured ensured = runtime.ensure()) {
                assertThat(ensured.acquired()).isTrue();
              }
            },
            r -> Thread.ofPlatform().daemon().start(r));
    try {
      taken.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  @Override
  public void close() {
    runtime.close();
  }

  /** A test body that may throw. */
  @FunctionalInterface
  interface Thrower {
    void run() throws Exception;
  }

  /** Runs {@code body} on two plain threads at once and waits for both, as {@link #runBoth}. */
  static void runTwice(Thrower body) throws InterruptedException {
    runBoth(body, body);
  }

  /** Runs both bodies on two plain threads and waits for them, failing on a hang or an error. */
  static void runBoth(Thrower first, Thrower second) throws InterruptedException {
    ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
    List<Thread> threads = new ArrayList<>();
    for (Thrower body : List.of(first, second)) {
      threads.add(
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try {
                      body.run();
                    } catch (Throwable t) {
                      failures.add(t);
                    }
                  }));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    for (Thread t : threads) {
      t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      assertThat(t.isAlive()).as("thread %s finished (no deadlock)", t.getName()).isFalse();
    }
    assertThat(failures).isEmpty();
  }
}
