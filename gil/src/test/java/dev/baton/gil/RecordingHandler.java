package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking handler that stands in for a GIL runtime's: it records each enter and exit, so a test
 * can tell whether a primitive released "the GIL" and whether it did so only while waiting.
 */
final class RecordingHandler implements BlockingHandler {

  /** Generous bound for things that take milliseconds, on a slow shared machine. */
  static final long WAIT_SECONDS = 20;

  final AtomicInteger enters = new AtomicInteger();
  final AtomicInteger exits = new AtomicInteger();
  private final CountDownLatch entered = new CountDownLatch(1);
  private volatile boolean inSection;
  private volatile Thread thread;
  private volatile Runnable onEnter = () -> {};

  /** Runs {@code action} on the blocking thread at each enter, before the wait itself starts. */
  RecordingHandler onEnter(Runnable action) {
    onEnter = action;
    return this;
  }

  @Override
  public void enter() {
    onEnter.run();
    enters.incrementAndGet();
    inSection = true;
    entered.countDown();
  }

  @Override
  public void exit() {
    inSection = false;
    exits.incrementAndGet();
  }

  /**
   * @return whether a blocking section was entered within the generous bound
   */
  boolean awaitEntered() throws InterruptedException {
    return entered.await(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * @return whether the recorded thread is inside a blocking section now
   */
  boolean inSection() {
    return inSection;
  }

  /** A body run on a test thread, free to throw. */
  @FunctionalInterface
  interface Body<T> {
    T run() throws Exception;
  }

  /**
   * Starts a daemon platform thread that runs {@code body} with this handler installed.
   *
   * @return the body's outcome
   */
  <T> CompletableFuture<T> start(String name, Body<T> body) {
    CompletableFuture<T> outcome = new CompletableFuture<>();
    Thread started =
        new Thread(
            () -> {
              try (var registration = Blocking.install(this)) {
                outcome.complete(body.run());
              } catch (Throwable failure) {
                outcome.completeExceptionally(failure);
              }
            },
            name);
    started.setDaemon(true);
    thread = started;
    started.start();
    return outcome;
  }

  /**
   * @return the thread {@link #start} started last
   */
  Thread thread() {
    return thread;
  }

  /**
   * Interrupts the started thread once it is inside a blocking section, then checks that its
   * outcome is an {@link InterruptedException} and that it left the section.
   */
  void interruptWhileWaiting(CompletableFuture<?> outcome) throws Exception {
    assertThat(awaitEntered()).isTrue();
    thread().interrupt();
    assertThatThrownBy(() -> result(outcome))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(InterruptedException.class);
    assertThat(exits).hasValue(enters.get());
  }

  /** Waits for {@code outcome} within the generous bound. */
  static <T> T result(CompletableFuture<T> outcome) throws Exception {
    return outcome.get(WAIT_SECONDS, TimeUnit.SECONDS);
  }
}
