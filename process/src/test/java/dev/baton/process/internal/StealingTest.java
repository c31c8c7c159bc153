package dev.baton.process.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.baton.process.Codec;
import dev.baton.process.PoolTask;
import dev.baton.process.RemoteTaskException;
import dev.baton.process.WorkerCrashedException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Taking back a task sent ahead (a steal) never makes it run twice: a worker answers a cancel for a
 * task it has already started with STARTED, and the engine counts a task that was being stolen, and
 * that its worker may have started, as possibly run when that worker dies.
 *
 * <p>The interleaving is driven by a scripted worker (a process that speaks the protocol, {@link
 * ScriptedWorker}), so it happens every run with no sleep: two workers; worker 1 holds tasks 1 and
 * 3, worker 2 answers task 2 at once and goes idle, so the engine sends worker 1 a cancel for task
 * 3; worker 1's main thread had just finished task 1 and taken task 3, so it answers task 1, does
 * not drop task 3 (it answers STARTED, or dies before it can), and is killed.
 */
class StealingTest {
  @TempDir Path dir;

  private static List<String> javaCommand(String mainClass, String... properties) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xlog:disable");
    command.add("-Xlog:all=warning:stderr");
    command.add("-XX:+DisplayVMOutputToStderr");
    command.add("-XX:+UseSerialGC");
    command.add("-XX:TieredStopAtLevel=1");
    command.addAll(List.of(properties));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    return command;
  }

  private static Throwable failureOf(CompletableFuture<?> f) {
    return Assertions.assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS))
        .getCause();
  }

  @ParameterizedTest(name = "worker answers the cancel with STARTED: {0}")
  @ValueSource(booleans = {true, false})
  void aStolenTaskItsWorkerStartedFailsWithTheCrashAndNeverRunsAgain(boolean answersStarted)
      throws Exception {
    Path log = dir.resolve("log");
    Files.createFile(log);
    PoolEngine engine = scriptedEngine(log, answersStarted);
    try {
      for (CompletableFuture<Void> ready : engine.start()) {
        ready.get(60, TimeUnit.SECONDS);
      }
      Payloads.TaskBody body = new Payloads.TaskBody(Payloads.CALL, 0, new byte[] {1}, null);
      List<TaskFuture> tasks = engine.submitAll(List.of(body, body, body), 0, true);
      long stolen = tasks.get(2).taskId();

      assertThat(failureOf(tasks.get(0)))
          .isInstanceOf(RemoteTaskException.class)
          .hasMessageContaining("ran: in steal-w1");
      assertThat(failureOf(tasks.get(1)))
          .isInstanceOf(RemoteTaskException.class)
          .hasMessageContaining("ran: in steal-w2");
      assertThat(failureOf(tasks.get(2)))
          .isInstanceOf(WorkerCrashedException.class)
          .hasMessageContaining("task (id " + stolen + ")");
      List<String> runs =
          Files.readAllLines(log).stream().filter(l -> l.endsWith(" got " + stolen)).toList();
      assertThat(runs).containsExactly("steal-w1 got " + stolen);
    } finally {
      engine.shutdownNow();
    }
  }

  /** The same interleaving with a retryable task: it may have run, so it costs a retry. */
  @Test
  void aStolenRetryableTaskItsWorkerStartedIsRetriedOnce() throws Exception {
    Path log = dir.resolve("log");
    Files.createFile(log);
    PoolEngine engine = scriptedEngine(log, true);
    try {
      for (CompletableFuture<Void> ready : engine.start()) {
        ready.get(60, TimeUnit.SECONDS);
      }
      Payloads.TaskBody body = new Payloads.TaskBody(Payloads.CALL, 0, new byte[] {1}, null);
      List<TaskFuture> tasks = engine.submitAll(List.of(body, body, body), 1, true);
      long stolen = tasks.get(2).taskId();
      assertThat(failureOf(tasks.get(2)))
          .isInstanceOf(RemoteTaskException.class)
          .hasMessageContaining("ran: in steal-w2");
      List<String> runs =
          Files.readAllLines(log).stream().filter(l -> l.endsWith(" got " + stolen)).toList();
      assertThat(runs).containsExactly("steal-w1 got " + stolen, "steal-w2 got " + stolen);
    } finally {
      engine.shutdownNow();
    }
  }

  private PoolEngine scriptedEngine(Path log, boolean answersStarted) {
    ValueCodec codec =
        new ValueCodec(
            Codec.COMPACT,
            new SerialPolicy(List.of("java.**"), 100, 10_000, 1 << 20),
            getClass().getClassLoader());
    return new PoolEngine(
        new PoolEngine.Config(
            "steal",
            2,
            javaCommand(
                ScriptedWorker.class.getName(),
                "-Dscript.log=" + log,
                "-Dscript.answerStarted=" + answersStarted),
            Map.of(),
            new byte[0],
            0,
            null,
            Duration.ofSeconds(60),
            codec));
  }

  /** The real worker answers a cancel for the task it runs with STARTED, and still answers it. */
  @Test
  void aCancelForARunningTaskIsAnsweredStarted() throws Exception {
    Path started = dir.resolve("started");
    Path gate = dir.resolve("gate");
    String startedName = started.toString();
    String gateName = gate.toString();
    PoolTask<String> task =
        () -> {
          Files.createFile(Path.of(startedName));
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
          while (!Files.exists(Path.of(gateName)) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
          return "done";
        };
    SerialPolicy policy = new SerialPolicy(List.of("java.**"), 100, 10_000, 1 << 20);
    ByteArrayOutputStream init = new ByteArrayOutputStream();
    DataOutputStream config = new DataOutputStream(init);
    config.writeByte(Codec.COMPACT.ordinal());
    policy.writeTo(config);
    config.writeInt(0);
    config.flush();
    Process p = new ProcessBuilder(javaCommand(WorkerMain.class.getName())).start();
    try {
      DataOutputStream toWorker =
          new DataOutputStream(new BufferedOutputStream(p.getOutputStream()));
      DataInputStream fromWorker = new DataInputStream(new BufferedInputStream(p.getInputStream()));
      Frame.write(toWorker, Frame.T_INIT, 0, init.toByteArray());
      toWorker.flush();
      assertThat(Frame.read(fromWorker, 1 << 20).type()).isEqualTo(Frame.T_READY);
      new Payloads.TaskBody(Payloads.CALL, 0, TaskBytes.code(task), null)
          .writeFrame(toWorker, 7, true, false);
      toWorker.flush();
      await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(started));
      Frame.write(toWorker, Frame.T_CANCEL, 7, new byte[0]);
      toWorker.flush();
      Frame answer = Frame.read(fromWorker, 1 << 20);
      assertThat(answer.type()).isEqualTo(Frame.T_STARTED);
      assertThat(answer.id()).isEqualTo(7);
      Files.createFile(gate);
      Frame result = Frame.read(fromWorker, 1 << 20);
      assertThat(result.type()).isEqualTo(Frame.T_RESULT);
      assertThat(codec().decode(result.payload())).isEqualTo("done");
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static ValueCodec codec() {
    return new ValueCodec(
        Codec.COMPACT,
        new SerialPolicy(List.of("java.**"), 100, 10_000, 1 << 20),
        StealingTest.class.getClassLoader());
  }

  /**
   * A worker that speaks the protocol by script. Worker 1 keeps the tasks it gets; when a cancel
   * comes, it behaves as a worker whose main thread has just answered its first task and taken the
   * cancelled one: it answers the first, answers STARTED for the other (when {@code
   * script.answerStarted} is set) and dies. Any other worker answers each task at once. Every task
   * received is logged as {@code <worker> got <id>}; answers are errors saying {@code ran in
   * <worker>}.
   */
  public static final class ScriptedWorker {
    private ScriptedWorker() {}

    /**
     * @param args the worker's name, last
     * @throws Exception when its streams fail
     */
    public static void main(String[] args) throws Exception {
      String name = args[args.length - 1];
      Path log = Path.of(System.getProperty("script.log"));
      boolean answerStarted = Boolean.getBoolean("script.answerStarted");
      DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out));
      Frame.read(in, Integer.MAX_VALUE); // init
      Frame.write(out, Frame.T_READY, 0, Payloads.longBytes(ProcessHandle.current().pid()));
      out.flush();
      boolean first = name.endsWith("-w1");
      List<Long> held = new ArrayList<>();
      while (true) {
        Frame f = Frame.read(in, Integer.MAX_VALUE);
        if (f == null) {
          System.exit(0);
        }
        switch (f.type()) {
          case Frame.T_TASK -> {
            Files.writeString(
                log,
                name + " got " + f.id() + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
            if (first) {
              held.add(f.id());
            } else {
              ran(out, name, f.id());
            }
          }
          case Frame.T_CANCEL -> {
            if (first) {
              ran(out, name, held.get(0));
              if (answerStarted) {
                Frame.write(out, Frame.T_STARTED, f.id(), new byte[0]);
              }
              out.flush();
              Runtime.getRuntime().halt(1);
            }
            Frame.write(out, Frame.T_CANCELLED, f.id(), new byte[0]);
          }
          case Frame.T_PING ->
              Frame.write(out, Frame.T_PONG, 0, Payloads.longBytes(System.nanoTime()));
          default -> {}
        }
        out.flush();
      }
    }

    private static void ran(DataOutputStream out, String name, long id) throws Exception {
      Frame.write(
          out,
          Frame.T_ERROR,
          id,
          new Payloads.ErrorRecord(Payloads.TASK_THREW, "ran", "in " + name, "", new byte[0])
              .encode());
    }
  }
}
