package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.process.internal.SharedBlocks;
import java.nio.DoubleBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared memory: a block the parent creates, that tasks read and write in place in their workers,
 * with bounds checks, and that leaves nothing on disk after it is closed, after a worker crash and
 * after its creator is killed.
 */
class SharedMemoryTest {
  static ProcessPool pool;

  @BeforeAll
  static void start() throws InterruptedException {
    pool = Pools.lean(2).name("shm").build();
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** Block files of process {@code pid} in the block directory. */
  private static List<Path> filesOf(long pid) throws Exception {
    try (Stream<Path> files = Files.list(SharedBlocks.directory())) {
      return files
          .filter(f -> f.getFileName().toString().startsWith("baton-shm-" + pid + "-"))
          .toList();
    }
  }

  @Test
  void tasksReadAndWriteTheParentsBlockInPlace() throws Exception {
    try (SharedMemory block = SharedMemory.create(1 << 20)) {
      int n = (1 << 20) / Double.BYTES;
      DoubleBuffer xs = block.doubles();
      for (int i = 0; i < n; i++) {
        xs.put(i, i);
      }
      CompletableFuture<Double> firstHalf =
          pool.submit(
              () -> {
                DoubleBuffer ys = block.doubles();
                double sum = 0;
                for (int i = 0; i < n / 2; i++) {
                  sum += ys.get(i);
                  ys.put(i, -ys.get(i));
                }
                return sum;
              });
      CompletableFuture<Double> secondHalf =
          pool.submit(
              () -> {
                double sum = 0;
                for (int i = n / 2; i < n; i++) {
                  sum += block.getDouble(8L * i);
                  block.putDouble(8L * i, -block.getDouble(8L * i));
                }
                return sum;
              });
      double total = firstHalf.get(60, TimeUnit.SECONDS) + secondHalf.get(60, TimeUnit.SECONDS);
      assertThat(total).isEqualTo((double) n * (n - 1) / 2);
      for (int i = 0; i < n; i++) {
        assertThat(xs.get(i)).isEqualTo(-i);
      }
      assertThat(pool.apply(() -> block.isOwner())).isFalse();
      assertThat(block.isOwner()).isTrue();
    }
  }

  @Test
  void accessesOutsideTheBlockAreRefusedOnBothSides() throws Exception {
    try (SharedMemory block = SharedMemory.create(100)) {
      block.putInt(96, 7);
      assertThat(block.getInt(96)).isEqualTo(7);
      assertThatThrownBy(() -> block.putLong(96, 1))
          .isInstanceOf(IndexOutOfBoundsException.class)
          .hasMessageContaining("offset 96 with 8 bytes is outside shared memory block")
          .hasMessageContaining("of 100 bytes");
      assertThatThrownBy(() -> block.getByte(-1)).isInstanceOf(IndexOutOfBoundsException.class);
      Throwable remote = Pools.failureOf(pool.submit(() -> block.getLong(100)));
      assertThat(remote)
          .isInstanceOf(RemoteTaskException.class)
          .hasMessageContaining("IndexOutOfBoundsException");
      assertThat(pool.apply(() -> block.getInt(96))).isEqualTo(7);
    }
    assertThatThrownBy(() -> SharedMemory.create(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClosedBlockIsGoneAndRefusesUse() throws Exception {
    SharedMemory block = SharedMemory.create(4096);
    String name = block.name();
    block.close();
    assertThatThrownBy(() -> block.getInt(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("was closed");
    assertThatThrownBy(() -> SharedMemory.attach(name, 4096))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(name)
        .hasMessageContaining("does not exist");
    assertThat(filesOf(ProcessHandle.current().pid())).isEmpty();
  }

  /**
   * A closed block's name never comes to mean another file: a file this process opens after the
   * close (which may take the closed block's descriptor number) is never written through it, by an
   * attach here or in a worker.
   */
  @Test
  void aClosedBlocksNameNeverReachesAnotherFile(@TempDir Path dir) throws Exception {
    SharedMemory block = SharedMemory.create(4096);
    String name = block.name();
    block.close();
    Path precious = dir.resolve("precious.dat");
    Files.write(precious, new byte[64]);
    try (FileChannel open =
        FileChannel.open(precious, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      assertThat(open.size()).isEqualTo(64);
      Throwable here =
          org.junit.jupiter.api.Assertions.assertThrows(
              RuntimeException.class, () -> SharedMemory.attach(name, 64).putByte(0, (byte) 99));
      assertThat(here).isInstanceOf(IllegalStateException.class).hasMessageContaining(name);
      Throwable there =
          Pools.failureOf(
              pool.submit(
                  () -> {
                    SharedMemory.attach(name, 64).putByte(0, (byte) 55);
                    return 0;
                  }));
      assertThat(there)
          .isInstanceOf(RemoteTaskException.class)
          .hasMessageContaining("IllegalStateException")
          .hasMessageContaining("does not exist");
      assertThatThrownBy(
              () ->
                  pool.apply(
                      () -> {
                        block.putByte(0, (byte) 55);
                        return 0;
                      }))
          .hasMessageContaining("was closed");
    }
    assertThat(Files.readAllBytes(precious)).containsOnly(0);
  }

  /** A task sent while its block was open, run after the block closed, fails in the worker. */
  @Test
  void aTaskWhoseBlockClosedBeforeItRanFailsInTheWorker(@TempDir Path dir) throws Exception {
    try (ProcessPool one = Pools.lean(1).name("shm-late").build()) {
      Path started = dir.resolve("started");
      Path gate = dir.resolve("gate");
      CompletableFuture<Long> busy =
          one.submit(CrashRecoveryTest.parked(started.toString(), gate.toString()));
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(60))
          .until(() -> Files.exists(started));
      SharedMemory block = SharedMemory.create(64);
      String name = block.name();
      CompletableFuture<Integer> late =
          one.submit(
              () -> {
                block.putInt(0, 55);
                return 1;
              });
      block.close();
      Files.createFile(gate);
      busy.get(60, TimeUnit.SECONDS);
      assertThat(Pools.failureOf(late))
          .isInstanceOf(TaskSerializationException.class)
          .hasMessageContaining("IllegalStateException")
          .hasMessageContaining(name)
          .hasMessageContaining("does not exist");
    }
  }

  @Test
  void onlyBlockNamesAreAttached(@TempDir Path dir) throws Exception {
    Path other = dir.resolve("baton-shm-1-1-" + "0".repeat(32));
    Files.write(other, new byte[64]);
    assertThatThrownBy(() -> SharedMemory.attach(dir.resolve("precious.dat").toString(), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not the name of a shared memory block");
    assertThatThrownBy(() -> SharedMemory.attach("/proc/self/fd/3", 8))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> SharedMemory.attach(SharedBlocks.directory() + "/../" + other.getFileName(), 8))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                SharedMemory.attach(
                    SharedBlocks.directory().resolve("baton-shm-1-1-" + "ab".repeat(16)).toString(),
                    8))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void aPoolsBlocksAreClosedWhenItTerminates() throws Exception {
    SharedMemory kept;
    String name;
    try (ProcessPool small = Pools.lean(1).name("shm-owner").build()) {
      kept = small.sharedMemory(4096);
      name = kept.name();
      kept.putLong(0, 5);
      assertThat(small.apply(() -> kept.getLong(0))).isEqualTo(5L);
    }
    assertThatThrownBy(() -> kept.getLong(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> SharedMemory.attach(name, 4096))
        .isInstanceOf(IllegalStateException.class);
    assertThat(Files.exists(Path.of(name))).isFalse();
  }

  @Test
  void aWorkerCrashLeavesTheBlockUsableAndNothingBehind() throws Exception {
    SharedMemory block = SharedMemory.create(4096);
    block.putLong(0, 41);
    Throwable crash =
        Pools.failureOf(
            pool.submit(
                () -> {
                  block.putLong(8, block.getLong(0) + 1);
                  Runtime.getRuntime().halt(9);
                  return 0;
                }));
    assertThat(crash).isInstanceOf(WorkerCrashedException.class);
    assertThat(block.getLong(8)).isEqualTo(42);
    assertThat(pool.apply(() -> block.getLong(8))).isEqualTo(42L);
    block.close();
    assertThat(filesOf(ProcessHandle.current().pid())).isEmpty();
  }

  @Test
  void aKilledCreatorLeavesNothingOnDisk() throws Exception {
    Process creator =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                BlockCreator.class.getName())
            .redirectErrorStream(true)
            .start();
    try {
      String line =
          new java.io.BufferedReader(
                  new java.io.InputStreamReader(creator.getInputStream(), "UTF-8"))
              .readLine();
      assertThat(line).startsWith("block ");
      creator.destroyForcibly();
      assertThat(creator.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      creator.destroyForcibly();
    }
    assertThat(filesOf(creator.pid())).hasSize(1); // its file outlives it, until ...
    Pools.lean(1).name("shm-next").build().close(); // ... the next pool starts
    assertThat(filesOf(creator.pid())).isEmpty();
  }

  /** A parent that creates a block, says so and waits to be killed. */
  public static final class BlockCreator {
    private BlockCreator() {}

    /**
     * @param args unused
     * @throws Exception never expected
     */
    public static void main(String[] args) throws Exception {
      SharedMemory block = SharedMemory.create(1 << 20);
      block.putLong(0, 1);
      System.out.println("block " + block.name());
      System.out.flush();
      Thread.sleep(120_000);
    }
  }
}
