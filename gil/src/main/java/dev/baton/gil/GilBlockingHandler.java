package dev.baton.gil;

import dev.baton.core.BlockingHandler;

/**
 * Release on I/O for one thread of a runtime ({@code Py_BEGIN_ALLOW_THREADS}): gives the GIL up
 * before a blocking action and takes it back, uninterruptibly and as a thread coming back from I/O,
 * after it. Installed by the runtime on its threads and by {@link GilRuntime#ensure()}; confined to
 * the thread that installed it. Threads that take turns with such a thread (an event loop's task
 * threads) get one of their own from {@link #turnTaker()}, and the GIL moves with their baton
 * ({@link dev.baton.core.BlockingHandler}'s "Taking turns").
 */
final class GilBlockingHandler implements BlockingHandler {
  final Gil gil;

  /** Whether the open section gave the GIL up; confined to the owning thread. */
  private boolean releasedIt;

  /** The owning thread's record in the runtime's blocking detector, or null without one. */
  private final BlockingDetector.Sections sections;

  GilBlockingHandler(Gil gil) {
    this(gil, null);
  }

  GilBlockingHandler(Gil gil, BlockingDetector detector) {
    this.gil = gil;
    this.sections = detector == null ? null : detector.sectionsOfCurrentThread();
  }

  @Override
  public void enter() {
    if (sections != null) {
      BlockingDetector.entered(sections);
    }
    releasedIt = gil.releaseForBlocking();
  }

  @Override
  public void exit() {
    try {
      if (releasedIt) {
        releasedIt = false;
        gil.acquireAfterBlocking();
        gil.serviceBreak(Thread.currentThread()); // pending calls, an exception raised meanwhile
      }
    } finally {
      if (sections != null) {
        BlockingDetector.exited(sections);
      }
    }
  }

  /** Moves the GIL to {@code next} if the caller holds it ({@link Gil#transferTo(Thread)}). */
  @Override
  public void passTurn(Thread next) {
    gil.transferTo(next);
  }

  @Override
  public BlockingHandler turnTaker() {
    return new GilBlockingHandler(gil);
  }

  @Override
  public void checkpoint() {
    if (gil.isHeldByCurrentThread()) {
      gil.checkpoint();
    }
  }

  @Override
  public String toString() {
    return "GilBlockingHandler[" + gil.name() + "]";
  }
}
