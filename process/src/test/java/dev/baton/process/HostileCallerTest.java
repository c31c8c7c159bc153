package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Callers that use the pool from where it least expects it: from a future's callback, and after it
 * is closed. Each test has its own pool of one worker, since some close it.
 */
class HostileCallerTest {

  private static boolean anyThreadNamed(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().startsWith(prefix));
  }

  @Test
  void aBlockingPoolCallFromACallbackWorksAndThePoolServesOn() throws Exception {
    ProcessPool pool = Pools.lean(1).build();
    try {
      CompletableFuture<String> thread = new CompletableFuture<>();
      CompletableFuture<String> chained =
          pool.submit(() -> "first")
              .thenApply(
                  r -> {
                    thread.complete(Thread.currentThread().getName());
                    try {
                      return pool.apply(() -> r + "+second");
                    } catch (InterruptedException e) {
                      throw new IllegalStateException(e);
                    }
                  });
      assertThat(chained.get(60, TimeUnit.SECONDS)).isEqualTo("first+second");
      assertThat(thread.get(1, TimeUnit.SECONDS)).startsWith(pool.name() + "-callbacks-");
      assertThat(pool.submit(() -> "third").get(60, TimeUnit.SECONDS)).isEqualTo("third");
      assertThat(pool.map(x -> x + 1, List.of(1, 2, 3), 1)).containsExactly(2, 3, 4);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closeFromACallbackReturnsAndThePoolTerminates() throws Exception {
    ProcessPool pool = Pools.lean(1).build();
    try {
      CompletableFuture<Void> closed = pool.submit(() -> "done").thenRun(pool::close);
      closed.get(60, TimeUnit.SECONDS);
      assertThat(pool.isTerminated()).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void whenCloseReturnsEveryFutureIsCompleteAndNoThreadOfThePoolIsLeft() throws Exception {
    ProcessPool pool = Pools.lean(1).name("leaves-nothing").build();
    List<CompletableFuture<Integer>> futures =
        List.of(pool.submit(() -> 1), pool.submit(() -> 2), pool.submit(() -> 3));
    pool.close();
    for (CompletableFuture<Integer> f : futures) {
      assertThat(f).isDone();
    }
    // the start-up timer of the worker (60 s here) must not keep the timer thread alive
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !anyThreadNamed("leaves-nothing-timer") && !anyThreadNamed("leaves-nothing-"));
  }
}
