package dev.baton.eventloop.internal;

import dev.baton.core.Blocking;
import dev.baton.core.BlockingHandler;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The portable mechanism: each task runs on its own virtual thread and passes a baton with the
 * loop's thread (Vert.x 5's {@code TaskQueue} model). A hand-off is a volatile write and an unpark
 * on each side; it is fast (well under a microsecond) when the loop itself runs on a virtual
 * thread, and costs a platform thread's park/unpark (several microseconds) when it does not.
 *
 * <p>What the resuming thread's blocking handler holds (a GIL) travels with the baton, as core's
 * {@link BlockingHandler} ("Taking turns") lays down: the task's thread installs the handler's
 * {@linkplain BlockingHandler#turnTaker() turn-taker} for its whole life, and each side {@linkplain
 * BlockingHandler#passTurn(Thread) passes the turn} just before it gives the baton away, so every
 * step of the task runs holding what the loop's thread held.
 */
public final class VirtualThreadStrand implements Strand {
  private final Runnable body;
  private final String name;

  /**
   * Called with the thread about to get the baton, just before it gets it: the loop records its
   * owner there.
   */
  private final Consumer<Thread> handOver;

  /** Started at the first resume. Written by the loop thread before start (happens-before). */
  private Thread thread;

  /** The thread that last called resume; written before the baton passes to the task. */
  private Thread loopSide;

  /**
   * The task thread's handler, from the first resumer's handler ({@link
   * BlockingHandler#turnTaker()}), or null when that thread had none. Written before the start.
   */
  private BlockingHandler turnHandler;

  /** The baton: true while the task runs. Written by the side that gives the baton away. */
  private volatile boolean taskTurn;

  /**
   * @param name the virtual thread's name
   * @param body the task's code
   * @param handOver told which thread gets the baton next, just before it does
   */
  public VirtualThreadStrand(String name, Runnable body, Consumer<Thread> handOver) {
    this.name = name;
    this.body = body;
    this.handOver = handOver;
  }

  @Override
  public void resume() {
    loopSide = Thread.currentThread();
    BlockingHandler handler = Blocking.currentHandler();
    Thread t = thread;
    if (t == null) {
      t = Thread.ofVirtual().name(name).unstarted(this::runBody);
      thread = t;
      turnHandler = handler == null ? null : handler.turnTaker();
      handOver.accept(t);
      passTurn(handler, t);
      taskTurn = true;
      t.start();
    } else {
      handOver.accept(t);
      passTurn(handler, t);
      taskTurn = true;
      LockSupport.unpark(t);
    }
    while (taskTurn) {
      LockSupport.park(this);
    }
  }

  @Override
  public void suspend() {
    giveBack();
    while (!taskTurn) {
      LockSupport.park(this);
    }
  }

  @Override
  public Thread taskThread() {
    return thread;
  }

  private void runBody() {
    Blocking.Registration registration = turnHandler == null ? null : Blocking.install(turnHandler);
    try {
      body.run();
    } finally {
      if (registration != null) {
        registration.close();
      }
      giveBack();
    }
  }

  private void giveBack() {
    Thread loop = loopSide;
    handOver.accept(loop);
    passTurn(turnHandler, loop);
    taskTurn = false;
    LockSupport.unpark(loop);
  }

  private static void passTurn(BlockingHandler handler, Thread next) {
    if (handler != null) {
      handler.passTurn(next);
    }
  }
}
