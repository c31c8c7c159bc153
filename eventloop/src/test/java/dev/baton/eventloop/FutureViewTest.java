package dev.baton.eventloop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A loop future seen from other threads, when the loop does not run again. */
class FutureViewTest {

  @Test
  void getFromAnotherThreadSeesAResultSetBeforeTheLoopStopped() throws Exception {
    EventLoop loop = new EventLoop("t");
    Future<String> f = loop.createFuture();
    f.setResult("done");
    // the loop never runs again: nothing scheduled on it could deliver the result
    String seen =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return f.get(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                })
            .get(30, TimeUnit.SECONDS);
    assertThat(seen).isEqualTo("done");
    loop.close();
  }

  @Test
  void aViewTakenBeforeCompletionCompletesThoughTheLoopStopsRightAfter() throws Exception {
    EventLoop loop = new EventLoop("t");
    Future<String> f = loop.createFuture();
    CompletableFuture<String> view =
        CompletableFuture.supplyAsync(f::toCompletableFuture).get(30, TimeUnit.SECONDS);
    loop.callSoon(() -> f.setResult("late"));
    Thread runner = Thread.ofPlatform().start(() -> loop.runUntilComplete(f));
    runner.join(30_000);
    assertThat(runner.isAlive()).isFalse();
    assertThat(view.get(30, TimeUnit.SECONDS)).isEqualTo("late");
    loop.close();
  }
}
