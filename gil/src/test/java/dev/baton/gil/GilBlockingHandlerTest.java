package dev.baton.gil;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The runtime's blocking handler: release on I/O, and the GIL moving with a turn. */
class GilBlockingHandlerTest extends GilTestBase {

  @ParameterizedTest
  @EnumSource(GilPolicy.class)
  void theGilMovesWithTheTurnAndTheTurnTakersBlockingCallsReleaseIt(GilPolicy policy)
      throws Exception {
    GilRuntime runtime = runtime(policy);
    Gil gil = runtime.gil();
    List<Object> log = new ArrayList<>(); // appended only by the GIL's holder
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch turnGiven = new CountDownLatch(1);
    CountDownLatch turnBack = new CountDownLatch(1);
    AtomicReference<Thread> loopSide = new AtomicReference<>();
    AtomicReference<BlockingHandler> turnTaker = new AtomicReference<>();
    Thread taker =
        thread(
            "taker",
            () -> {
              try {
                assertThat(turnGiven.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
                try (Blocking.Registration r = Blocking.install(turnTaker.get())) {
                  log.add(gil.isHeldByCurrentThread());
                  runtime.objects().newList().decref();
                  Blocking.run(() -> log.add(gil.isHeldByCurrentThread())); // released here
                  log.add(gil.isHeldByCurrentThread()); // and taken back
                }
                turnTaker.get().passTurn(loopSide.get());
                log.add(gil.isHeldByCurrentThread());
              } catch (Throwable t) {
                failure.set(t);
              } finally {
                turnBack.countDown();
              }
            });
    Thread loop =
        runtime.startThread(
            "loop",
            () -> {
              BlockingHandler handler = Blocking.currentHandler();
              loopSide.set(Thread.currentThread());
              turnTaker.set(handler.turnTaker());
              handler.passTurn(taker);
              boolean heldAfterPassing = gil.isHeldByCurrentThread();
              turnGiven.countDown();
              try {
                // parked, not blocking: the GIL is the taker's, and comes back with the turn
                assertThat(turnBack.await(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              log.add(heldAfterPassing);
              log.add(gil.isHeldByCurrentThread());
            });
    join(taker);
    join(loop);

    assertThat(failure.get()).isNull();
    assertThat(log).containsExactly(true, false, true, false, false, true);
    // the loop's first tenure and the taker's after its blocking section; the turns begin none
    assertThat(gil.stats().acquisitions()).isEqualTo(2);
  }
}
