package dev.baton.stress;

import dev.baton.eventloop.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * The event loop's cross-thread submission: two producers each {@code callSoonThreadSafe} two
 * callbacks onto one running loop; the callbacks append to a list that only the loop thread
 * touches.
 *
 * <p>The interleavings looked for: a callback lost or run twice when the producers' offers race in
 * the MPSC queue, or one producer's callbacks run out of order. The arbiter waits (bounded) for a
 * marker callback submitted after both producers finished, then reports how many callbacks ran
 * ({@code r1}, 4 expected) and whether each producer's order was kept ({@code r2}, 1). Anything but
 * "4, 1" is forbidden.
 */
@JCStressTest
@Expects(Expects.Race.NEVER)
@Outcome(
    id = "4, 1",
    expect = Expect.ACCEPTABLE,
    desc = "Each callback once, per-producer order kept.")
@Outcome(id = ".*", expect = Expect.FORBIDDEN, desc = "A callback lost, repeated or reordered.")
@State
public class LoopSubmissionOrder {
  /** One loop for all states, running on a daemon thread for the life of the fork. */
  private static final EventLoop LOOP = startLoop();

  /** Touched by the loop thread only; read by the arbiter after the marker's latch. */
  private final List<Integer> ran = new ArrayList<>(4);

  private static EventLoop startLoop() {
    EventLoop loop = EventLoop.builder().name("stress-loop").build();
    Thread thread = new Thread(loop::runForever, "stress-loop");
    thread.setDaemon(true);
    thread.start();
    return loop;
  }

  @Actor
  public void producerA() {
    LOOP.callSoonThreadSafe(() -> ran.add(10));
    LOOP.callSoonThreadSafe(() -> ran.add(11));
  }

  @Actor
  public void producerB() {
    LOOP.callSoonThreadSafe(() -> ran.add(20));
    LOOP.callSoonThreadSafe(() -> ran.add(21));
  }

  @Arbiter
  public void arbiter(II_Result r) {
    CountDownLatch marker = new CountDownLatch(1);
    LOOP.callSoonThreadSafe(marker::countDown);
    try {
      if (!marker.await(30, TimeUnit.SECONDS)) {
        r.r1 = -1;
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.r1 = -2;
      return;
    }
    r.r1 = ran.size();
    boolean ordered =
        ran.indexOf(10) >= 0
            && ran.indexOf(10) < ran.indexOf(11)
            && ran.indexOf(20) >= 0
            && ran.indexOf(20) < ran.indexOf(21);
    r.r2 = ordered ? 1 : 0;
  }
}
