package dev.baton.eventloop;

import static dev.baton.eventloop.Tasks.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The loop's side of core's turn-taking contract ({@link BlockingHandler}, "Taking turns"), with a
 * handler that holds a token the way a GIL runtime's handler holds its GIL: every task step holds
 * the token, the loop gives it up only while it sleeps, and it offers it at each pass.
 */
class TurnTakingTest {

  static List<TaskMechanism> mechanisms() {
    return Mechanisms.all();
  }

  @ParameterizedTest
  @MethodSource("mechanisms")
  void everyTaskStepHoldsWhatTheLoopThreadsHandlerHolds(TaskMechanism m) throws Exception {
    Token token = new Token();
    List<Boolean> held = new ArrayList<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread loopThread =
        Thread.ofPlatform()
            .name("holder")
            .start(
                () -> {
                  token.holder.set(Thread.currentThread());
                  try (Blocking.Registration r = Blocking.install(new TokenHandler(token))) {
                    EventLoop.run(
                        "turns",
                        m,
                        () -> {
                          held.add(token.heldByMe());
                          Task<Boolean> child =
                              EventLoop.current()
                                  .createTask(
                                      "child",
                                      () -> {
                                        boolean first = token.heldByMe();
                                        Tasks.sleep(Duration.ofMillis(1));
                                        return first && token.heldByMe();
                                      });
                          held.add(await(child));
                          Tasks.sleep(Duration.ofMillis(1));
                          held.add(token.heldByMe());
                          return null;
                        });
                    held.add(token.heldByMe());
                  } catch (Throwable t) {
                    failure.set(t);
                  }
                });
    loopThread.join(30_000);

    assertThat(loopThread.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
    assertThat(held).containsExactly(true, true, true, true);
    assertThat(token.releases.get()).as("the loop slept giving the token up").isPositive();
    assertThat(token.checkpoints.get()).as("the loop offered it between passes").isPositive();
  }

  /** What a GIL runtime's handler holds, reduced to who holds it. */
  static final class Token {
    final AtomicReference<Thread> holder = new AtomicReference<>();
    final AtomicInteger releases = new AtomicInteger();
    final AtomicInteger checkpoints = new AtomicInteger();

    boolean heldByMe() {
      return holder.get() == Thread.currentThread();
    }
  }

  /** Gives the token up in blocking sections and passes it with the turn, like the GIL's. */
  static final class TokenHandler implements BlockingHandler {
    private final Token token;
    private boolean releasedIt;

    TokenHandler(Token token) {
      this.token = token;
    }

    @Override
    public void enter() {
      releasedIt = token.holder.compareAndSet(Thread.currentThread(), null);
      if (releasedIt) {
        token.releases.incrementAndGet();
      }
    }

    @Override
    public void exit() {
      if (releasedIt) {
        releasedIt = false;
        token.holder.set(Thread.currentThread());
      }
    }

    @Override
    public void passTurn(Thread next) {
      token.holder.compareAndSet(Thread.currentThread(), next);
    }

    @Override
    public BlockingHandler turnTaker() {
      return new TokenHandler(token);
    }

    @Override
    public void checkpoint() {
      token.checkpoints.incrementAndGet();
    }
  }
}
