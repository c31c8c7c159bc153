package dev.baton.process.internal;

import dev.baton.process.PoolFunction;
import dev.baton.process.PoolTask;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The opt-in AOT cache of worker JVMs (JDK 25: {@code -XX:AOTCacheOutput} writes it at the end of a
 * training run, {@code -XX:AOTCache} starts from it). The JDK needs a class path made of jar files;
 * with anything else, or an older JDK, workers start without a cache and a warning says why.
 * Stateless.
 */
public final class AotCache {
  private static final Logger LOG = LoggerFactory.getLogger(AotCache.class);

  private AotCache() {}

  /** What the training worker runs: common data through the compact codec. */
  static final class Warmup implements PoolTask<Object>, PoolFunction<Object, Object> {
    private static final long serialVersionUID = 1L;

    @Override
    public Object call() {
      return Map.of("list", List.of(1, 2L, "three", 4.0), "bytes", new byte[] {5});
    }

    @Override
    public Object apply(Object argument) {
      return List.of(argument, String.valueOf(argument));
    }
  }

  /**
   * Returns the JVM option that makes workers start from the cache, training it first if the file
   * does not exist.
   *
   * @param jvm the worker command up to (not including) its launch: executable and options
   * @param launch where the workers find their code
   * @param file the cache file
   * @param init an init frame payload without initializer
   * @param codec the pool's codec, to write the warm-up's arguments
   * @param timeout the longest the training run may take
   * @return {@code -XX:AOTCache=file}, or null when workers must start without a cache
   * @throws InterruptedException when interrupted while training
   */
  public static String option(
      List<String> jvm,
      WorkerLaunch launch,
      Path file,
      byte[] init,
      ValueCodec codec,
      Duration timeout)
      throws InterruptedException {
    if (launch.onModulePath() || launch.classPath() == null) {
      LOG.warn("AOT cache ignored: the workers start from the module path");
      return null;
    }
    String classPath = launch.classPath();
    if (Runtime.version().feature() < 25) {
      LOG.warn("AOT cache ignored: it needs JDK 25 or newer, this is {}", Runtime.version());
      return null;
    }
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.endsWith(".jar") || !Files.isRegularFile(Path.of(entry))) {
        LOG.warn(
            "AOT cache ignored: the JDK's AOT cache needs a class path of jar files, and {} is not"
                + " one",
            entry);
        return null;
      }
    }
    if (!Files.isRegularFile(file)) {
      train(jvm, launch, file, init, codec, timeout);
    }
    if (!Files.isRegularFile(file)) {
      LOG.warn("AOT cache ignored: the training run did not write {}", file);
      return null;
    }
    return "-XX:AOTCache=" + file;
  }

  /** Default cache files being trained by this JVM, so that each is trained once. */
  private static final java.util.Set<Path> TRAINING =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * The default: workers start from an AOT cache kept in the temporary directory under a name
   * derived from the JDK, the worker command and the class path's jars (their sizes and times), so
   * that any change makes a new one. When it does not exist yet, a training worker writes it in the
   * background (the pools built meanwhile start without it). Silent: where the JDK or the class
   * path does not allow a cache, or the user's JVM options choose CDS or AOT themselves, workers
   * start without one.
   *
   * @param jvm the worker command up to its launch
   * @param launch where the workers find their code
   * @param init an init frame payload without initializer
   * @param codec the pool's codec
   * @param timeout the longest the training run may take
   * @return {@code -XX:AOTCache=file}, or null
   */
  public static String defaultOption(
      List<String> jvm, WorkerLaunch launch, byte[] init, ValueCodec codec, Duration timeout) {
    if (Runtime.version().feature() < 25 || launch.onModulePath() || launch.classPath() == null) {
      return null;
    }
    for (String option : jvm) {
      if (option.startsWith("-XX:AOT")
          || option.startsWith("-Xshare")
          || option.startsWith("-XX:SharedArchiveFile")
          || option.startsWith("-XX:ArchiveClassesAtExit")) {
        return null;
      }
    }
    java.security.MessageDigest digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      return null;
    }
    digest.update(Runtime.version().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (String option : jvm) {
      digest.update(option.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      digest.update((byte) 0);
    }
    for (String entry : launch.classPath().split(File.pathSeparator)) {
      Path jar = Path.of(entry);
      if (!entry.endsWith(".jar") || !Files.isRegularFile(jar)) {
        return null;
      }
      try {
        digest.update(
            (jar.toAbsolutePath()
                    + "\0"
                    + Files.size(jar)
                    + "\0"
                    + Files.getLastModifiedTime(jar).toMillis()
                    + "\0")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (IOException e) {
        return null;
      }
    }
    String hash = java.util.HexFormat.of().formatHex(digest.digest(), 0, 12);
    Path dir =
        Path.of(
            System.getProperty("java.io.tmpdir"),
            "baton-aot-" + System.getProperty("user.name", "user"));
    Path file = dir.resolve("worker-" + hash + ".aot");
    if (Files.isRegularFile(file)) {
      return "-XX:AOTCache=" + file;
    }
    if (TRAINING.add(file)) {
      Thread trainer =
          new Thread(
              () -> {
                Path partial = dir.resolve("worker-" + hash + "-" + ProcessHandle.current().pid());
                try {
                  Files.createDirectories(dir);
                  deleteOldCaches(dir);
                  train(jvm, launch, partial, init, codec, timeout);
                  if (Files.isRegularFile(partial)) {
                    Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                  }
                } catch (IOException e) {
                  LOG.debug("default AOT cache {} not made: {}", file, e.toString());
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  try {
                    Files.deleteIfExists(partial);
                  } catch (IOException e) {
                    LOG.debug("could not delete {}: {}", partial, e.toString());
                  }
                }
              },
              "baton-aot-training");
      trainer.setDaemon(true);
      trainer.start();
    }
    return null;
  }

  /** Caches made over 30 days ago most likely belong to jars and JDKs since replaced. */
  private static void deleteOldCaches(Path dir) {
    long old = System.currentTimeMillis() - TimeUnit.DAYS.toMillis(30);
    try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir, "worker-*")) {
      for (Path f : files) {
        if (Files.getLastModifiedTime(f).toMillis() < old) {
          Files.deleteIfExists(f);
        }
      }
    } catch (IOException e) {
      LOG.debug("could not clean {}: {}", dir, e.toString());
    }
  }

  private static void train(
      List<String> jvm,
      WorkerLaunch launch,
      Path file,
      byte[] init,
      ValueCodec codec,
      Duration timeout)
      throws InterruptedException {
    List<String> command = new ArrayList<>(jvm);
    command.add("-XX:AOTCacheOutput=" + file);
    command.addAll(launch.arguments());
    command.add("aot-training");
    Process p;
    try {
      p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      LOG.warn("AOT cache training could not start: {}", e.toString());
      return;
    }
    try {
      DataOutputStream in = new DataOutputStream(p.getOutputStream());
      DataInputStream out = new DataInputStream(new BufferedInputStream(p.getInputStream()));
      Frame.write(in, Frame.T_INIT, 0, init);
      byte[] warmup = SerialPolicy.serializeCode(new Warmup());
      new Payloads.TaskBody(Payloads.CALL, 0, warmup, null).writeFrame(in, 1, true, false);
      new Payloads.TaskBody(Payloads.MAP, 1, warmup, codec.encode(List.of(1, "two", List.of(3))))
          .writeFrame(in, 2, true, false);
      in.flush();
      for (int answers = 0; answers < 3; answers++) { // READY, then one answer per task
        if (Frame.read(out, codec.policy().maxBytes()) == null) {
          break;
        }
      }
      in.close();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("AOT cache training took longer than {}; abandoned", timeout);
        p.destroyForcibly();
      }
    } catch (IOException e) {
      LOG.warn("AOT cache training failed: {}", e.toString());
      p.destroyForcibly();
    }
  }
}
