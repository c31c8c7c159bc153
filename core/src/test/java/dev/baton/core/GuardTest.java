package dev.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GuardTest {

  @Test
  void noneAllowsEveryThread() throws Exception {
    Guard guard = Guard.none();
    assertThat(guard.isHeldByCurrentThread()).isTrue();
    assertThatNoException().isThrownBy(guard::check);
    boolean fromOther =
        CompletableFuture.supplyAsync(guard::isHeldByCurrentThread).get(10, TimeUnit.SECONDS);
    assertThat(fromOther).isTrue();
  }

  @Test
  void ownerGuardAllowsOnlyItsOwner() throws Exception {
    Guard guard = Guard.ownedBy(Thread.currentThread(), "test-guard");
    assertThat(guard.isHeldByCurrentThread()).isTrue();
    assertThatNoException().isThrownBy(guard::check);

    Thread other = new Thread(() -> {}, "intruder");
    CompletableFuture<Throwable> seen = new CompletableFuture<>();
    Thread intruder =
        new Thread(
            () -> {
              try {
                guard.check();
                seen.complete(null);
              } catch (Throwable t) {
                seen.complete(t);
              }
            },
            "intruder");
    intruder.start();
    Throwable failure = seen.get(10, TimeUnit.SECONDS);
    assertThat(failure)
        .isExactlyInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("without holding it")
        .hasMessageContaining("\"intruder\"")
        .hasMessageContaining("\"test-guard\"");
    assertThat(Guard.ownedBy(other, "g").isHeldByCurrentThread()).isFalse();
  }

  @Test
  void ownerGuardRejectsNulls() {
    assertThatThrownBy(() -> Guard.ownedBy(null, "g"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("owner");
    assertThatThrownBy(() -> Guard.ownedBy(Thread.currentThread(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("name");
  }
}
