package dev.baton.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlockingTest {

  /** Records enter/exit calls with a label. */
  static final class RecordingHandler implements BlockingHandler {
    final String label;
    final List<String> log;
    boolean failOnExit;

    RecordingHandler(String label, List<String> log) {
      this.label = label;
      this.log = log;
    }

    @Override
    public void enter() {
      log.add(label + ".enter");
    }

    @Override
    public void exit() {
      log.add(label + ".exit");
      if (failOnExit) {
        throw new IllegalStateException(label + " exit failed");
      }
    }
  }

  private final List<String> log = new ArrayList<>();

  @AfterEach
  void noHandlerLeftBehind() {
    assertThat(Blocking.currentHandler()).isNull();
  }

  @Test
  void withoutHandlerTheActionJustRuns() throws Exception {
    assertThat(Blocking.currentHandler()).isNull();
    assertThat(Blocking.call(() -> 42)).isEqualTo(42);
    assertThat(Blocking.inBlockingSection()).isFalse();
  }

  @Test
  void handlerWrapsTheAction() {
    try (var ignored = Blocking.install(new RecordingHandler("h", log))) {
      String result =
          Blocking.call(
              () -> {
                log.add("action");
                assertThat(Blocking.inBlockingSection()).isTrue();
                return "done";
              });
      assertThat(result).isEqualTo("done");
      assertThat(Blocking.inBlockingSection()).isFalse();
    }
    assertThat(log).containsExactly("h.enter", "action", "h.exit");
  }

  @Test
  void nestedSectionsCallTheHandlerOnce() {
    try (var ignored = Blocking.install(new RecordingHandler("h", log))) {
      Blocking.run(() -> Blocking.run(() -> log.add("inner")));
    }
    assertThat(log).containsExactly("h.enter", "inner", "h.exit");
  }

  @Test
  void handlersStackAndRestore() {
    RecordingHandler outer = new RecordingHandler("outer", log);
    RecordingHandler inner = new RecordingHandler("inner", log);
    try (var a = Blocking.install(outer)) {
      try (var b = Blocking.install(inner)) {
        assertThat(Blocking.currentHandler()).isSameAs(inner);
        Blocking.run(() -> log.add("x"));
      }
      assertThat(Blocking.currentHandler()).isSameAs(outer);
      Blocking.run(() -> log.add("y"));
    }
    assertThat(log)
        .containsExactly("inner.enter", "x", "inner.exit", "outer.enter", "y", "outer.exit");
  }

  @Test
  void handlerInstalledInsideASectionIsUsedForNestedCalls() {
    RecordingHandler outer = new RecordingHandler("outer", log);
    RecordingHandler inner = new RecordingHandler("inner", log);
    try (var a = Blocking.install(outer)) {
      Blocking.run(
          () -> {
            try (var b = Blocking.install(inner)) {
              Blocking.run(() -> log.add("io"));
            }
          });
    }
    assertThat(log).containsExactly("outer.enter", "inner.enter", "io", "inner.exit", "outer.exit");
  }

  @Test
  void checkedExceptionsPassThroughUnchangedAndExitStillRuns() {
    IOException boom = new IOException("boom");
    try (var ignored = Blocking.install(new RecordingHandler("h", log))) {
      assertThatThrownBy(
              () ->
                  Blocking.run(
                      () -> {
                        throw boom;
                      }))
          .isSameAs(boom);
      assertThat(Blocking.inBlockingSection()).isFalse();
    }
    assertThat(log).containsExactly("h.enter", "h.exit");
  }

  @Test
  void exitFailureIsSuppressedIntoTheActionsFailure() {
    RecordingHandler handler = new RecordingHandler("h", log);
    handler.failOnExit = true;
    RuntimeException boom = new RuntimeException("boom");
    try (var ignored = Blocking.install(handler)) {
      assertThatThrownBy(
              () ->
                  Blocking.run(
                      () -> {
                        throw boom;
                      }))
          .isSameAs(boom);
      assertThat(boom.getSuppressed()).hasSize(1);
      assertThat(boom.getSuppressed()[0]).hasMessage("h exit failed");
      assertThatThrownBy(() -> Blocking.run(() -> {})).hasMessage("h exit failed");
    }
  }

  @Test
  void interruptsPassThrough() {
    try (var ignored = Blocking.install(new RecordingHandler("h", log))) {
      Thread.currentThread().interrupt();
      assertThatThrownBy(() -> Blocking.run(() -> Thread.sleep(10_000)))
          .isInstanceOf(InterruptedException.class);
      assertThat(Thread.interrupted()).isFalse();
      Blocking.run(() -> Thread.currentThread().interrupt());
      assertThat(Thread.interrupted()).isTrue();
    }
    assertThat(log).containsExactly("h.enter", "h.exit", "h.enter", "h.exit");
  }

  @Test
  void enterFailureSkipsActionAndExit() {
    BlockingHandler failing =
        new BlockingHandler() {
          @Override
          public void enter() {
            throw new IllegalStateException("cannot release");
          }

          @Override
          public void exit() {
            log.add("exit");
          }
        };
    try (var ignored = Blocking.install(failing)) {
      assertThatThrownBy(() -> Blocking.run(() -> log.add("action"))).hasMessage("cannot release");
    }
    assertThat(log).isEmpty();
  }

  @Test
  void handlersArePerThread() throws Exception {
    try (var ignored = Blocking.install(new RecordingHandler("h", log))) {
      BlockingHandler seen =
          CompletableFuture.supplyAsync(Blocking::currentHandler).get(10, TimeUnit.SECONDS);
      assertThat(seen).isNull();
    }
  }

  @Test
  void registrationMisuseIsReported() throws Exception {
    var first = Blocking.install(new RecordingHandler("a", log));
    var second = Blocking.install(new RecordingHandler("b", log));
    assertThatThrownBy(first::close)
        .isInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("out of order");
    Throwable fromOther =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    second.close();
                    return null;
                  } catch (Throwable t) {
                    return t;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    assertThat(fromOther)
        .isInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("on the thread that installed it");
    second.close();
    assertThatThrownBy(second::close)
        .isInstanceOf(BatonMisuseException.class)
        .hasMessageContaining("already uninstalled");
    first.close();
  }

  @Test
  void nullsAreRejected() {
    assertThatThrownBy(() -> Blocking.call(null)).hasMessageContaining("action");
    assertThatThrownBy(() -> Blocking.install(null)).hasMessageContaining("handler");
  }
}
