package dev.baton.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The opt-in AOT cache: trained once into a file, then used by every worker of a jar class path.
 */
class AotCacheTest {
  @TempDir Path dir;

  /** This JVM's class path with every directory packed into a jar, as the AOT cache needs. */
  private String jarClassPath() throws IOException {
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!Files.isDirectory(path)) {
        entries.add(entry);
        continue;
      }
      Path jar = dir.resolve("dir" + n++ + ".jar");
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
          Stream<Path> files = Files.walk(path)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          out.putNextEntry(new JarEntry(path.relativize(file).toString().replace('\\', '/')));
          try (OutputStream sink = new NonClosing(out)) {
            Files.copy(file, sink);
          }
          out.closeEntry();
        }
      }
      entries.add(jar.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  private static List<String> arguments(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().arguments()).map(List::of).orElse(List.of());
  }

  @Test
  void workersOfAJarClassPathStartFromATrainedCache() throws Exception {
    Path cache = dir.resolve("workers.aot");
    String classPath = jarClassPath();
    try (ProcessPool pool = Pools.lean(1).classPath(classPath).aotCache(cache).build()) {
      assertThat(cache).isRegularFile();
      assertThat(pool.apply(() -> "from the cache")).isEqualTo("from the cache");
      assertThat(arguments(pool.workerPids().get(0))).contains("-XX:AOTCache=" + cache);
    }
  }

  @Test
  void aClassPathWithDirectoriesStartsWithoutACache() throws Exception {
    Path cache = dir.resolve("unused.aot");
    try (ProcessPool pool = Pools.lean(1).aotCache(cache).build()) {
      assertThat(pool.apply(() -> 7)).isEqualTo(7);
      assertThat(cache).doesNotExist();
      assertThat(arguments(pool.workerPids().get(0)))
          .isNotEmpty()
          .noneMatch(a -> a.startsWith("-XX:AOTCache"));
    }
  }

  @Test
  void byDefaultAJarClassPathGetsACacheTrainedInTheBackground() throws Exception {
    String classPath = jarClassPath();
    Path defaults =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "baton-aot-" + System.getProperty("user.name", "user"));
    Files.createDirectories(defaults);
    List<Path> before = caches(defaults);
    ProcessPool.Builder builder =
        ProcessPool.builder()
            .workers(1)
            .jvmOptions("-XX:+UseSerialGC", "-Xmx64m", "-Dtest.run=" + System.nanoTime())
            .startupTimeout(java.time.Duration.ofSeconds(60))
            .classPath(classPath);
    try (ProcessPool first = builder.build()) {
      assertThat(first.apply(() -> 1)).isEqualTo(1);
      assertThat(arguments(first.workerPids().get(0))).noneMatch(a -> a.startsWith("-XX:AOTCache"));
    }
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(3))
        .until(() -> caches(defaults).size() > before.size());
    List<Path> made = new ArrayList<>(caches(defaults));
    made.removeAll(before);
    try (ProcessPool second = builder.build()) {
      assertThat(second.apply(() -> 2)).isEqualTo(2);
      assertThat(arguments(second.workerPids().get(0))).contains("-XX:AOTCache=" + made.get(0));
    } finally {
      for (Path p : made) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static List<Path> caches(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".aot")).toList();
    }
  }

  /** Lets {@link Files#copy(Path, OutputStream)} write into a jar entry without closing the jar. */
  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }
}
