package dev.baton.core.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.BatonMisuseException;
import dev.baton.core.Guard;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ObjectSpaceTest {

  private final Guard guard = Guard.ownedBy(Thread.currentThread(), "main");

  @Test
  void plainCountsNeedAGuardUnlessTheRaceIsWanted() {
    assertThatThrownBy(() -> ObjectSpace.builder().strategy(RefCountStrategy.PLAIN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PLAIN")
        .hasMessageContaining("allowRacyPlainCounts");
    ObjectSpace racy =
        ObjectSpace.builder().strategy(RefCountStrategy.PLAIN).allowRacyPlainCounts().build();
    assertThat(racy.strategy()).isEqualTo(RefCountStrategy.PLAIN);
    assertThat(ObjectSpace.builder().guard(guard).build().strategy())
        .isEqualTo(RefCountStrategy.PLAIN);
  }

  @Test
  void badArgumentsAreNamed() {
    assertThatThrownBy(() -> ObjectSpace.builder().gcThresholds(700, -1, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold1");
    assertThatThrownBy(() -> ObjectSpace.builder().name(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    ObjectSpace space = ObjectSpace.builder().guard(guard).build();
    assertThatThrownBy(() -> space.collect(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("generation");
    assertThatThrownBy(() -> space.newBox(null)).hasMessageContaining("value");
    assertThat(space.allocatedObjects()).isZero();
  }

  @Test
  void cyclesAreCollectedAutomaticallyOnAllocationThresholds() {
    ObjectSpace space = ObjectSpace.builder().guard(guard).gcThresholds(10, 2, 2).build();
    AtomicInteger closed = new AtomicInteger();
    for (int i = 0; i < 100; i++) {
      RcList a = space.newList();
      RcList b = space.newList();
      a.append(b);
      b.append(a);
      RcBox<Integer> box = space.newBox(i, v -> closed.incrementAndGet());
      a.append(box);
      box.decref();
      a.decref();
      b.decref();
    }
    assertThat(space.collections()).isPositive();
    assertThat(closed.get()).isGreaterThan(80);
    assertThat(space.liveObjects()).isLessThan(40);
    space.collect();
    assertThat(closed).hasValue(100);
    assertThat(space.liveObjects()).isZero();
  }

  @Test
  void noAutomaticCollectionWhenThresholdZero() {
    ObjectSpace space = ObjectSpace.builder().guard(guard).gcThresholds(0, 10, 10).build();
    for (int i = 0; i < 2000; i++) {
      RcList a = space.newList();
      a.append(a);
      a.decref();
    }
    assertThat(space.collections()).isZero();
    assertThat(space.liveObjects()).isEqualTo(2000);
    assertThat(space.collect()).isEqualTo(2000);
  }

  @Test
  void survivorsMoveToOlderGenerations() {
    ObjectSpace space = ObjectSpace.builder().guard(guard).gcThresholds(0, 10, 10).build();
    RcList kept = space.newList();
    assertThat(kept.gcGeneration).isEqualTo((byte) 0);
    space.collect(0);
    assertThat(kept.gcGeneration).isEqualTo((byte) 1);
    RcList young = space.newList();
    young.append(young);
    young.decref();
    space.collect(2);
    assertThat(kept.gcGeneration).isEqualTo((byte) 2);
    assertThat(young.isAlive()).isFalse();
    kept.decref();
  }

  /**
   * Two spaces that one thread may both touch (the case that let a foreign reference in): a
   * container of one refuses an object of the other at every store, and nothing changes.
   */
  @Test
  void aContainerRefusesAnObjectOfAnotherSpaceAndChangesNothing() {
    ObjectSpace a = ObjectSpace.builder().name("a").guard(guard).build();
    ObjectSpace b = ObjectSpace.builder().name("b").guard(guard).build();
    RcBox<String> foreign = a.newBox("from a");
    RcList list = b.newList();
    RcBox<String> own = b.newBox("from b");
    list.append(own);
    RcDict<String> dict = b.newDict();
    assertThatThrownBy(() -> list.append(foreign))
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("spaces do not share objects")
        .hasMessageContaining("thread \"" + Thread.currentThread().getName() + "\"")
        .hasMessageContaining("append")
        .hasMessageContaining("space \"a\"")
        .hasMessageContaining("space \"b\"");
    assertThatThrownBy(() -> list.set(0, foreign))
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("spaces do not share objects")
        .hasMessageContaining("set");
    assertThatThrownBy(() -> dict.put("k", foreign))
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("spaces do not share objects")
        .hasMessageContaining("put");
    assertThat(foreign.refCount()).isEqualTo(1);
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.get(0)).isSameAs(own);
    assertThat(dict.size()).isZero();
    list.append(RcImmortal.NONE); // immortals are shared by every space
    dict.put("none", RcImmortal.NONE);
    list.decref();
    dict.decref();
    own.decref();
    foreign.decref();
    assertThat(a.liveObjects()).isZero();
    assertThat(b.liveObjects()).isZero();
    assertThat(a.totalRefCount()).isZero();
    assertThat(b.totalRefCount()).isZero();
  }
}
