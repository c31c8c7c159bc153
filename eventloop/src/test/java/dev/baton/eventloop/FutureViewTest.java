package dev.baton.eventloop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A loop future seen from other threads, when the loop does not run again. */
class FutureViewTest {

  @Test
  void getFromAnotherThreadSeesAResultSetBeforeTheLoopStopped() throws Exception {
    EventLoop loop = EventLoop.builder().name("t").build();
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
    EventLoop loop = EventLoop.builder().name("t").build();
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

  @Test
  void stateResultNowAndExceptionNowFollowTheJdkFuture() throws Exception {
    EventLoop loop = EventLoop.builder().name("t").build();
    Future<String> pending = loop.createFuture();
    assertThat(pending.state()).isEqualTo(java.util.concurrent.Future.State.RUNNING);
    assertThatThrownBy(pending::resultNow)
        .isInstanceOf(IllegalStateException.class)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("resultNow")
        .hasMessageContaining("not done yet");
    assertThatThrownBy(pending::exceptionNow).isInstanceOf(IllegalStateException.class);

    Future<String> ok = loop.createFuture();
    ok.setResult("v");
    Future<String> bad = loop.createFuture();
    bad.setException(new IllegalArgumentException("bad"));
    Future<String> gone = loop.createFuture();
    assertThat(gone.cancel(true)).isTrue();
    assertThat(gone.cancel(false)).isFalse();

    assertThat(ok.state()).isEqualTo(java.util.concurrent.Future.State.SUCCESS);
    assertThat(ok.resultNow()).isEqualTo("v");
    assertThatThrownBy(ok::exceptionNow)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("did not complete with a failure");
    assertThat(bad.state()).isEqualTo(java.util.concurrent.Future.State.FAILED);
    assertThat(bad.exceptionNow()).hasMessage("bad");
    assertThatThrownBy(bad::resultNow).isExactlyInstanceOf(BatonMisuseException.class);
    assertThat(gone.state()).isEqualTo(java.util.concurrent.Future.State.CANCELLED);
    assertThat(gone.isCancelled()).isTrue();
    assertThatThrownBy(gone::resultNow)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("cancelled");
    assertThatThrownBy(gone::get).isInstanceOf(BatonMisuseException.class);

    // other threads see the same, through the JDK interface and without the loop running
    java.util.concurrent.Future<String> asJdk = bad;
    List<Object> seen =
        CompletableFuture.supplyAsync(
                () ->
                    List.<Object>of(
                        pending.isDone(),
                        ok.resultNow(),
                        asJdk.state(),
                        gone.isCancelled(),
                        catching(() -> asJdk.get(30, TimeUnit.SECONDS))))
            .get(30, TimeUnit.SECONDS);
    assertThat(seen.subList(0, 4))
        .containsExactly(false, "v", java.util.concurrent.Future.State.FAILED, true);
    assertThat((Throwable) seen.get(4))
        .isExactlyInstanceOf(ExecutionException.class)
        .hasCauseExactlyInstanceOf(IllegalArgumentException.class);
    Throwable cancelOff =
        CompletableFuture.supplyAsync(() -> catching(() -> pending.cancel(true)))
            .get(30, TimeUnit.SECONDS);
    assertThat(cancelOff)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("Future.cancel");
    loop.close();
  }

  private static Throwable catching(java.util.concurrent.Callable<?> c) {
    try {
      c.call();
      return null;
    } catch (Throwable e) {
      return e;
    }
  }
}
