package dev.baton.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** core/README.md's contracts sample, as written there (examples' ReadmeSamplesTest checks it). */
class ContractsReadmeSampleTest {

  @Test
  void sampleRunsAsDocumented() throws Exception {
    List<String> calls = new ArrayList<>();
    BlockingHandler handler =
        new BlockingHandler() {
          @Override
          public void enter() {
            calls.add("enter");
          }

          @Override
          public void exit() {
            calls.add("exit");
          }
        };
    InputStream input = new ByteArrayInputStream(new byte[512]);
    AtomicReference<Throwable> elsewhere = new AtomicReference<>();
    // README begin
    try (var registration = Blocking.install(handler)) {
      byte[] page = Blocking.call(() -> input.readNBytes(512)); // the handler runs around it
      // README end
      assertThat(page).hasSize(512);
      assertThat(calls).containsExactly("enter", "exit");
      // README begin
    }
    Guard guard = Guard.ownedBy(Thread.currentThread(), "main");
    guard.check(); // on any other thread it throws, naming the thread and the guard
    // README end
    Thread other = new Thread(() -> elsewhere.set(catching(guard::check)));
    other.start();
    other.join(10_000);
    assertThat(elsewhere.get()).isNotNull().hasMessageContaining("main");
  }

  private static Throwable catching(Runnable action) {
    try {
      action.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }
}
