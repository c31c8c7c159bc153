package dev.baton.core.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Guard;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The reference-count contract, run against every strategy. */
class RefCountContractTest {

  /** PLAIN under a guard owned by the test thread; ATOMIC and BIASED free-threaded. */
  static ObjectSpace space(RefCountStrategy strategy) {
    ObjectSpace.Builder builder =
        ObjectSpace.builder().strategy(strategy).name("test-" + strategy).gcThresholds(0, 10, 10);
    if (strategy == RefCountStrategy.PLAIN) {
      builder.guard(Guard.ownedBy(Thread.currentThread(), "test-guard"));
    }
    return builder.build();
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void bornWithOneReferenceAndFreedAtZero(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    RcList list = space.newList();
    assertThat(list.refCount()).isEqualTo(1);
    assertThat(space.liveObjects()).isEqualTo(1);

    list.incref();
    assertThat(list.refCount()).isEqualTo(2);
    assertThat(space.totalRefCount()).isEqualTo(2);
    list.decref();
    assertThat(list.isAlive()).isTrue();

    list.decref();
    assertThat(list.isAlive()).isFalse();
    assertThat(list.refCount()).isZero();
    assertThat(space.liveObjects()).isZero();
    assertThat(space.totalRefCount()).isZero();
    assertThat(space.deallocatedObjects()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void deallocRunsExactlyOnceAndReleasesChildren(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    AtomicInteger closed = new AtomicInteger();
    RcList list = space.newList();
    RcBox<String> box = space.newBox("file", value -> closed.incrementAndGet());
    list.append(box);
    assertThat(box.refCount()).isEqualTo(2);
    box.decref(); // only the list's reference remains
    assertThat(closed).hasValue(0);

    list.decref();
    assertThat(closed).hasValue(1);
    assertThat(box.isAlive()).isFalse();
    assertThat(space.liveObjects()).isZero();

    assertThatThrownBy(list::decref)
        .isInstanceOf(UseAfterFreeException.class)
        .hasMessageContaining("list#")
        .hasMessageContaining("below zero")
        .hasMessageContaining(Thread.currentThread().getName());
    assertThat(closed).hasValue(1);
    assertThat(list.refCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void useAfterFreeIsReported(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    RcList list = space.newList();
    RcBox<Integer> box = space.newBox(42);
    list.decref();
    box.decref();
    assertThatThrownBy(() -> list.append(RcImmortal.NONE))
        .isInstanceOf(UseAfterFreeException.class)
        .hasMessageContaining("append")
        .hasMessageContaining("list#" + list.id)
        .hasMessageContaining("\"" + Thread.currentThread().getName() + "\"");
    assertThatThrownBy(list::incref).isInstanceOf(UseAfterFreeException.class);
    assertThatThrownBy(box::get)
        .isInstanceOf(UseAfterFreeException.class)
        .hasMessageContaining("box#");
    RcList other = space.newList();
    assertThatThrownBy(() -> other.append(box)).isInstanceOf(UseAfterFreeException.class);
    assertThat(other.size()).isZero();
    other.decref();
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void anotherThreadWithoutTheGuardIsRefused(RefCountStrategy strategy) throws Exception {
    ObjectSpace space =
        ObjectSpace.builder()
            .guard(Guard.ownedBy(Thread.currentThread(), "owner-only"))
            .strategy(strategy)
            .build();
    RcList list = space.newList();
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    Thread intruder =
        new Thread(
            () -> {
              try {
                list.incref();
                seen.complete(null);
              } catch (Throwable t) {
                seen.complete(t);
              }
            },
            "intruder");
    intruder.start();
    assertThat(seen.get(30, TimeUnit.SECONDS))
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("without holding it")
        .hasMessageContaining("\"intruder\"")
        .hasMessageContaining("\"owner-only\"");
    assertThat(list.refCount()).isEqualTo(1);
    assertThatThrownBy(
            () -> CompletableFuture.supplyAsync(space::newList).get(30, TimeUnit.SECONDS))
        .cause()
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("\"owner-only\"");
    list.decref();
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void longChainFreesWithoutOverflowingTheStack(RefCountStrategy strategy) {
    // a million under the GIL's strategy (the issue's figure); 100k, already far past any stack,
    // for
    // the others to keep the suite's CPU small
    freeChain(space(strategy), strategy == RefCountStrategy.PLAIN ? 1_000_000 : 100_000);
  }

  private static void freeChain(ObjectSpace space, int length) {
    RcList head = space.newList();
    RcList tail = head;
    for (int i = 1; i < length; i++) {
      RcList next = space.newList();
      tail.append(next);
      next.decref(); // the chain holds the only reference
      tail = next;
    }
    AtomicInteger closed = new AtomicInteger();
    RcBox<String> last = space.newBox("end", v -> closed.incrementAndGet());
    tail.append(last);
    last.decref();
    assertThat(space.liveObjects()).isEqualTo(length + 1L);

    head.decref();
    assertThat(closed).hasValue(1);
    assertThat(tail.isAlive()).isFalse();
    assertThat(space.liveObjects()).isZero();
    assertThat(space.deallocatedObjects()).isEqualTo(length + 1L);
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void containersOwnOneReferencePerSlot(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    RcDict<String> dict = space.newDict();
    RcBox<String> a = space.newBox("a");
    RcBox<String> b = space.newBox("b");
    dict.put("x", a);
    dict.put("y", a);
    assertThat(a.refCount()).isEqualTo(3);
    dict.put("x", b);
    assertThat(a.refCount()).isEqualTo(2);
    assertThat(dict.get("x")).isSameAs(b);
    assertThat(dict.remove("y")).isTrue();
    assertThat(dict.remove("y")).isFalse();
    assertThat(a.refCount()).isEqualTo(1);
    assertThat(dict.keys()).containsExactly("x");

    RcList list = space.newList();
    list.append(a);
    list.append(a);
    list.set(1, b);
    assertThat(a.refCount()).isEqualTo(2);
    assertThat(b.refCount()).isEqualTo(3);
    list.remove(0);
    assertThat(a.refCount()).isEqualTo(1);
    assertThatThrownBy(() -> list.get(5))
        .isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("5");
    list.clear();
    assertThat(b.refCount()).isEqualTo(2);

    dict.decref();
    list.decref();
    a.decref();
    b.decref();
    assertThat(space.liveObjects()).isZero();
    assertThat(space.totalRefCount()).isZero();
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void ownedRefGivesItsReferenceBackOnce(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    RcList list = space.newList();
    OwnedRef<RcList> extra;
    try (OwnedRef<RcList> owned = OwnedRef.newRef(list)) {
      assertThat(list.refCount()).isEqualTo(2);
      assertThat(owned.get()).isSameAs(list);
      extra = owned;
    }
    assertThat(list.refCount()).isEqualTo(1);
    extra.close();
    assertThat(list.refCount()).isEqualTo(1);
    assertThatThrownBy(extra::get)
        .isInstanceOf(UseAfterFreeException.class)
        .hasMessageContaining("used an OwnedRef after closing it")
        .hasMessageContaining("\"" + Thread.currentThread().getName() + "\"");
    try (OwnedRef<RcList> owned = OwnedRef.steal(list)) {
      assertThat(owned.isOpen()).isTrue();
    }
    assertThat(list.isAlive()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void weakReferencesAreClearedAtDeallocWithCallbackOnce(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    RcBox<String> box = space.newBox("v");
    List<WeakRc<RcBox<String>>> called = new ArrayList<>();
    WeakRc<RcBox<String>> weak = WeakRc.of(box, called::add);
    WeakRc<RcBox<String>> cleared = WeakRc.of(box, called::add);
    cleared.clear();
    assertThat(weak.get()).isSameAs(box);
    assertThat(box.refCount()).isEqualTo(1);

    box.decref();
    assertThat(weak.get()).isNull();
    assertThat(cleared.get()).isNull();
    assertThat(called).containsExactly(weak);
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void cyclesAreCollected(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    AtomicInteger closed = new AtomicInteger();
    RcList a = space.newList();
    RcList b = space.newList();
    RcBox<String> file = space.newBox("file", v -> closed.incrementAndGet());
    a.append(b);
    b.append(a);
    a.append(file);
    file.decref();
    RcList kept = space.newList(); // reachable from outside: must survive
    RcList keptChild = space.newList();
    kept.append(keptChild);
    keptChild.append(kept);
    keptChild.decref();

    a.decref();
    b.decref();
    assertThat(space.liveObjects()).isEqualTo(5);

    assertThat(space.collect()).isEqualTo(2);
    assertThat(a.isAlive()).isFalse();
    assertThat(b.isAlive()).isFalse();
    assertThat(closed).hasValue(1);
    assertThat(kept.isAlive()).isTrue();
    assertThat(keptChild.isAlive()).isTrue();
    assertThat(space.liveObjects()).isEqualTo(2);
    assertThat(space.collectedObjects()).isEqualTo(2);

    kept.decref();
    assertThat(space.collect()).isEqualTo(2);
    assertThat(space.liveObjects()).isZero();
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void finalizersInCyclesRunOnceAndMayResurrect(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    RcList rescue = space.newList();
    Node a = new Node(space, null);
    Node b = new Node(space, rescue); // its finalizer stores b in rescue: resurrection
    a.link(b);
    b.link(a);
    a.decref();
    b.decref();

    assertThat(space.collect()).isZero(); // b is resurrected, and a with it
    assertThat(a.finalized).hasValue(1);
    assertThat(b.finalized).hasValue(1);
    assertThat(a.isAlive()).isTrue();
    assertThat(rescue.get(0)).isSameAs(b);

    rescue.clear(); // unreachable again: collected now, finalizers do not run again
    assertThat(space.collect()).isEqualTo(2);
    assertThat(a.isAlive()).isFalse();
    assertThat(b.isAlive()).isFalse();
    assertThat(a.finalized).hasValue(1);
    assertThat(b.finalized).hasValue(1);
    rescue.decref();
    assertThat(space.liveObjects()).isZero();
  }

  @ParameterizedTest
  @EnumSource(RefCountStrategy.class)
  void finalizerMayResurrectAtZero(RefCountStrategy strategy) {
    ObjectSpace space = space(strategy);
    RcList rescue = space.newList();
    Node node = new Node(space, rescue);
    node.decref();
    assertThat(node.isAlive()).isTrue();
    assertThat(node.refCount()).isEqualTo(1);
    assertThat(node.finalized).hasValue(1);
    rescue.decref();
    assertThat(node.isAlive()).isFalse();
    assertThat(node.finalized).hasValue(1);
  }

  @ParameterizedTest
  @EnumSource(
      value = RefCountStrategy.class,
      names = {"ATOMIC", "BIASED"})
  void concurrentUpdatesAreExactWithoutAGuard(RefCountStrategy strategy) throws Exception {
    ObjectSpace space = space(strategy);
    RcBox<String> shared = space.newBox("shared");
    int threads = 2;
    int iterations = 200_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < iterations; i++) {
                    shared.incref();
                    shared.incref();
                    shared.decref();
                    shared.decref();
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              },
              "worker-" + t);
      worker.start();
      workers.add(worker);
    }
    start.countDown();
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(worker.isAlive()).isFalse();
    }
    assertThat(failures).isEmpty();
    assertThat(shared.refCount()).isEqualTo(1);
    shared.decref();
    assertThat(shared.isAlive()).isFalse();
  }

  /** A user-defined container with a finalizer that may resurrect it into {@code rescue}. */
  static class Node extends RcObject {
    final AtomicInteger finalized = new AtomicInteger();
    private final RcList rescue;
    private RcObject next;

    Node(ObjectSpace space, RcList rescue) {
      super(space, true);
      this.rescue = rescue;
    }

    void link(RcObject target) {
      checkAccess("link");
      target.incref();
      next = target;
    }

    @Override
    protected void traverse(ReferenceVisitor visitor) {
      if (next != null) {
        visitor.visit(next);
      }
    }

    @Override
    protected void clearReferences(ReferenceVisitor release) {
      RcObject dropped = next;
      next = null;
      if (dropped != null) {
        release.visit(dropped);
      }
    }

    @Override
    protected void finalizeObject() {
      finalized.incrementAndGet();
      if (rescue != null) {
        rescue.append(this);
      }
    }

    @Override
    protected String typeName() {
      return "node";
    }
  }
}
