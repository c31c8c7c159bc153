package dev.baton.core.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** PEP 703's biased counts: owner and shared fields, queueing and merging. */
class BiasedRefCountTest {

  private final ObjectSpace space =
      ObjectSpace.builder().strategy(RefCountStrategy.BIASED).name("biased").build();

  @Test
  void freeThreadedSpacesAreBiasedByDefault() {
    assertThat(ObjectSpace.builder().build().strategy()).isEqualTo(RefCountStrategy.BIASED);
  }

  @Test
  void ownerUsesTheLocalCountAndOthersTheSharedOne() throws Exception {
    RcBox<String> box = space.newBox("v");
    box.incref();
    assertThat(box.count).isEqualTo(2);
    assertThat(box.shared).isZero();
    run(box::incref);
    assertThat(box.count).isEqualTo(2);
    assertThat(box.shared >> RcObject.SHARED_SHIFT).isEqualTo(1);
    assertThat(box.refCount()).isEqualTo(3);
    run(box::decref);
    box.decref();
    box.decref();
    assertThat(box.isAlive()).isFalse();
  }

  @Test
  void sharedCountBelowZeroIsQueuedForTheOwnerWhichMergesAndFrees() throws Exception {
    RcBox<String> box = space.newBox("handed over");
    run(box::decref); // the other thread gives back the owner's reference
    assertThat(box.shared & RcObject.SHARED_STATE_MASK).isEqualTo(RcObject.SHARED_QUEUED);
    assertThat(box.isAlive()).isTrue(); // only the owner can tell the true count is zero
    assertThat(box.refCount()).isZero();

    space.mergePendingRefCounts();
    assertThat(box.isAlive()).isFalse();
    assertThat(box.shared & RcObject.SHARED_STATE_MASK).isEqualTo(RcObject.SHARED_MERGED);
    assertThat(box.ownerAcquire()).isNull();
  }

  @Test
  void queuedObjectsAreMergedByTheOwnersNextAllocation() throws Exception {
    RcBox<String> box = space.newBox("v");
    box.incref();
    run(box::decref);
    run(box::decref);
    assertThat(box.isAlive()).isTrue();
    space.newList().decref();
    assertThat(box.isAlive()).isFalse();
  }

  @Test
  void localZeroWithSharedReferencesMergesAndTheLastSharedDecrefFrees() throws Exception {
    RcBox<String> box = space.newBox("v");
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Void> other =
        CompletableFuture.runAsync(
            () -> {
              box.incref();
              held.countDown();
              await(release);
              box.decref();
            });
    assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
    box.decref(); // local count 0, shared 1: merged, still alive
    assertThat(box.isAlive()).isTrue();
    assertThat(box.ownerAcquire()).isNull();
    assertThat(box.refCount()).isEqualTo(1);
    release.countDown();
    other.get(30, TimeUnit.SECONDS);
    assertThat(box.isAlive()).isFalse();
    assertThatThrownBy(box::decref)
        .isInstanceOf(UseAfterFreeException.class)
        .hasMessageContaining("already deallocated")
        .hasMessageContaining("below zero");
  }

  @Test
  void objectsOfAnEndedOwnerAreMergedByWhoeverQueuesThem() throws Exception {
    AtomicReference<RcBox<String>> made = new AtomicReference<>();
    Thread owner = new Thread(() -> made.set(space.newBox("orphan")), "short-lived");
    owner.start();
    owner.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(owner.isAlive()).isFalse();
    RcBox<String> box = made.get();
    box.decref(); // not the owner: shared -1, owner ended, so merged here and freed
    assertThat(box.isAlive()).isFalse();
  }

  @Test
  void mergedCountBelowZeroIsReported() throws Exception {
    RcBox<String> box = space.newBox("v");
    run(box::decref);
    run(box::decref); // a decref nobody owned
    assertThatThrownBy(space::mergePendingRefCounts)
        .isInstanceOf(UseAfterFreeException.class)
        .hasMessageContaining("merged the biased counts")
        .hasMessageContaining("found -1")
        .hasMessageContaining("box#");
  }

  private static void run(Runnable action) throws Exception {
    CompletableFuture.runAsync(action).get(30, TimeUnit.SECONDS);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
