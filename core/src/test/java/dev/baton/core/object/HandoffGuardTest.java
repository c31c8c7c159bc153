package dev.baton.core.object;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Guard;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The object model under a guard that, like a GIL, hands itself to a waiting thread at its
 * checkpoints: collection, finalizers and deallocation pass checkpoints, and another thread must be
 * able to allocate there.
 */
class HandoffGuardTest {

  /** A tiny GIL: a fair lock whose check() lets a waiting thread in first. */
  static final class HandoffGuard implements Guard {
    final ReentrantLock lock = new ReentrantLock(true);
    final AtomicInteger handoffs = new AtomicInteger();

    @Override
    public boolean isHeldByCurrentThread() {
      return lock.isHeldByCurrentThread();
    }

    @Override
    public String name() {
      return "handoff";
    }

    @Override
    public void check() {
      if (!lock.isHeldByCurrentThread()) {
        throw new BatonMisuseException(
            "thread \"" + Thread.currentThread().getName() + "\" does not hold " + name());
      }
      if (lock.hasQueuedThreads()) {
        handoffs.incrementAndGet();
        lock.unlock();
        try {
          // fair: the waiter runs first. Bounded, so that a deadlock fails the test instead of
          // hanging it
          if (!lock.tryLock(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("guard not handed back within 30 s: deadlock");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  @Test
  void anotherThreadAllocatesWhileTheCollectorIsAtACheckpoint() throws Exception {
    HandoffGuard guard = new HandoffGuard();
    ObjectSpace space = ObjectSpace.builder().guard(guard).gcThresholds(0, 10, 10).build();
    AtomicInteger finalized = new AtomicInteger();
    CountDownLatch inFinalizer = new CountDownLatch(1);
    int cycles = 300;
    guard.lock.lock();
    try {
      for (int i = 0; i < cycles; i++) {
        RefCountContractTest.Node a = new FinalizingNode(space, finalized, inFinalizer, guard);
        RefCountContractTest.Node b = new FinalizingNode(space, finalized, inFinalizer, guard);
        a.link(b);
        b.link(a);
        a.decref();
        b.decref();
      }
    } finally {
      guard.lock.unlock();
    }
    int allocations = 100;
    CompletableFuture<Void> allocator =
        CompletableFuture.runAsync(
            () -> {
              awaitQuietly(inFinalizer);
              for (int i = 0; i < allocations; i++) {
                guard.lock.lock();
                try {
                  space.newList().decref();
                } finally {
                  guard.lock.unlock();
                }
              }
            });
    int collected;
    guard.lock.lock();
    try {
      collected = space.collect();
    } finally {
      guard.lock.unlock();
    }
    allocator.get(60, TimeUnit.SECONDS);
    assertThat(guard.handoffs.get()).isPositive();
    assertThat(collected).isEqualTo(2 * cycles);
    assertThat(finalized).hasValue(2 * cycles);
    guard.lock.lock();
    try {
      assertThat(space.liveObjects()).isZero();
      assertThat(space.allocatedObjects()).isEqualTo(2L * cycles + allocations);
    } finally {
      guard.lock.unlock();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A node whose finalizer counts, and passes a checkpoint as Python code would. */
  static final class FinalizingNode extends RefCountContractTest.Node {
    private final AtomicInteger finalized;
    private final CountDownLatch inFinalizer;
    private final HandoffGuard guard;

    FinalizingNode(
        ObjectSpace space,
        AtomicInteger finalized,
        CountDownLatch inFinalizer,
        HandoffGuard guard) {
      super(space, null);
      this.finalized = finalized;
      this.inFinalizer = inFinalizer;
      this.guard = guard;
    }

    /** The first finalizer waits for the allocator to queue for the guard, then checkpoints. */
    @Override
    protected void finalizeObject() {
      if (inFinalizer.getCount() > 0) {
        inFinalizer.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!guard.lock.hasQueuedThreads() && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
      }
      checkAccess("__del__");
      finalized.incrementAndGet();
    }
  }
}
