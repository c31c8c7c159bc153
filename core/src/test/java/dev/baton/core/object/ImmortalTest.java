package dev.baton.core.object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.core.Guard;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ImmortalTest {

  @Test
  void increfAndDecrefDoNothing() {
    RcImmortal none = RcImmortal.NONE;
    long before = none.refCount();
    for (int i = 0; i < 10; i++) {
      none.decref();
    }
    none.incref();
    assertThat(none.refCount()).isEqualTo(before).isEqualTo(RcObject.IMMORTAL_REFCOUNT);
    assertThat(none.isAlive()).isTrue();
    assertThat(none.isImmortal()).isTrue();
  }

  @Test
  void smallIntsAreCachedAndBounded() {
    assertThat(RcImmortal.smallInt(256)).isSameAs(RcImmortal.smallInt(256));
    assertThat(RcImmortal.smallInt(-5).value()).isEqualTo(-5);
    assertThatThrownBy(() -> RcImmortal.smallInt(257))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("257");
    assertThat(RcImmortal.TRUE.value()).isEqualTo(true);
    assertThat(RcImmortal.FALSE.toString()).contains("immortal");
  }

  @Test
  void sharedAcrossSpacesAndThreadsWithoutAGuard() throws Exception {
    RcImmortal name = RcImmortal.declare("str", "__main__");
    ObjectSpace a = ObjectSpace.builder().guard(Guard.ownedBy(Thread.currentThread(), "a")).build();
    RcList list = a.newList();
    list.append(name);
    list.append(RcImmortal.NONE);
    long fromOther =
        CompletableFuture.supplyAsync(
                () -> {
                  name.incref();
                  name.decref();
                  return name.refCount();
                })
            .get(30, TimeUnit.SECONDS);
    assertThat(fromOther).isEqualTo(RcObject.IMMORTAL_REFCOUNT);
    list.decref();
    assertThat(name.isAlive()).isTrue();
    assertThat(a.liveObjects()).isZero();
  }
}
