package dev.baton.process.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files behind shared memory blocks: how a block is named so that its name never comes to mean
 * anything else, and how it leaves nothing on disk.
 *
 * <p>Identity: a block is a file in {@code /dev/shm} (memory, on Linux) or else the temporary
 * directory, named {@code baton-shm-<pid>-<start>-<random>}: its creator's pid, the creator's start
 * time in milliseconds (so that a reused pid is not mistaken for the creator) and 128 random bits
 * from {@link SecureRandom}. A block's name is that file's absolute path. No block is ever created
 * under a name that existed before ({@code CREATE_NEW}, and the random part makes a collision
 * negligible), so a name, once its block is closed, refers to nothing: {@link #attach} then finds
 * no file and fails with {@link IllegalStateException}; it opens only files whose name has that
 * shape, without following links, and never creates one. (The earlier design named an unlinked file
 * by its creator's descriptor, {@code /proc/<pid>/fd/<n>}; a closed block's descriptor number was
 * reused for unrelated files, which an attach then wrote into.)
 *
 * <p>Cleanup, three ways, like CPython's {@code multiprocessing} resource tracker but without its
 * extra process: closing a block deletes its file (its mappings stay valid until unmapped: the
 * memory goes with the last one); a JVM that exits normally deletes the files of the blocks it
 * created and did not close (a shutdown hook); a creator that was killed, or a worker that halted
 * (workers end with {@code Runtime.halt}, which runs no hooks), leaves its files until the next
 * {@link #sweep}, which deletes every block file whose creator (pid and start time) is no longer
 * alive. A sweep runs before every {@link #create}, when a pool starts and when a pool terminates.
 *
 * <p>Attached mappings are cached per name with weak references, so that the tasks of one worker
 * share one mapping while any of them holds it; every attach still checks that the file exists, so
 * a closed block is refused even where a mapping of it is cached. Thread-safe.
 */
public final class SharedBlocks {
  private static final Logger LOG = LoggerFactory.getLogger(SharedBlocks.class);
  private static final String PREFIX = "baton-shm-";
  private static final Pattern NAME =
      Pattern.compile(Pattern.quote(PREFIX) + "([0-9]+)-([0-9]+)-([0-9a-f]{32})");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long PID = ProcessHandle.current().pid();
  private static final long START = startMillis(ProcessHandle.current());

  /** Files of blocks this process created and has not closed, deleted by a shutdown hook. */
  private static final Set<Path> LINKED = ConcurrentHashMap.newKeySet();

  private static final Map<String, WeakReference<MappedByteBuffer>> ATTACHED =
      new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Path p : LINKED) {
                    try {
                      Files.deleteIfExists(p);
                    } catch (IOException e) {
                      // exiting: nothing to report to
                    }
                  }
                },
                "baton-shared-memory-cleanup"));
  }

  private SharedBlocks() {}

  /**
   * A block this process created.
   *
   * @param location its name: the absolute path of its file
   * @param file its file
   * @param channel its channel, open until {@link #close}
   * @param buffer its mapping
   */
  public record Created(String location, Path file, FileChannel channel, MappedByteBuffer buffer) {
    /** Closes the channel and deletes the file. */
    public void close() {
      ATTACHED.remove(location);
      try {
        channel.close();
      } catch (IOException e) {
        LOG.warn("closing shared memory block {}: {}", location, e.toString());
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.warn("deleting shared memory file {}: {}", file, e.toString());
      }
      LINKED.remove(file);
    }
  }

  /**
   * @return where block files go: {@code /dev/shm} when it is a writable directory, else the
   *     temporary directory
   */
  public static Path directory() {
    Path shm = Path.of("/dev/shm");
    if (Files.isDirectory(shm) && Files.isWritable(shm)) {
      return shm;
    }
    return Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
  }

  /**
   * Creates and maps a zero-filled block.
   *
   * @param size its size in bytes, 1 to {@link Integer#MAX_VALUE}
   * @return the block
   * @throws UncheckedIOException when the file cannot be made or mapped
   */
  public static Created create(long size) {
    Path dir = directory();
    sweep(dir);
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    Path file =
        dir.resolve(PREFIX + PID + "-" + START + "-" + HexFormat.of().formatHex(random))
            .toAbsolutePath();
    FileChannel channel = null;
    try {
      Set<OpenOption> options =
          Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileAttribute<?>[] ownerOnly =
          dir.getFileSystem().supportedFileAttributeViews().contains("posix")
              ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
              }
              : new FileAttribute<?>[0];
      channel = FileChannel.open(file, options, ownerOnly);
      LINKED.add(file);
      channel.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1); // sized, sparse
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      return new Created(file.toString(), file, channel, buffer);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      if (!(e instanceof FileAlreadyExistsException)) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      LINKED.remove(file);
      throw new UncheckedIOException(
          "cannot create a shared memory block of " + size + " bytes in " + dir, e);
    }
  }

  private static long startMillis(ProcessHandle process) {
    return process.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
  }

  /** Deletes the files of blocks whose creators are no longer alive, in the block directory. */
  public static void sweep() {
    sweep(directory());
  }

  /** Deletes block files left by processes that are no longer alive. */
  private static void sweep(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path f : files) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        if (!m.matches()) {
          continue;
        }
        long pid;
        long start;
        try {
          pid = Long.parseLong(m.group(1));
          start = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid == PID && start == START) {
          continue;
        }
        if (!alive(pid, start)) {
          Files.deleteIfExists(f);
          LOG.info("deleted shared memory file {} of process {}, which is gone", f, pid);
        }
      }
    } catch (IOException e) {
      LOG.debug("could not sweep {} for stale shared memory files: {}", dir, e.toString());
    }
  }

  /** Whether the process that created a block (pid and start time) is still running. */
  private static boolean alive(long pid, long start) {
    ProcessHandle p = ProcessHandle.of(pid).orElse(null);
    if (p == null || !p.isAlive()) {
      return false;
    }
    long now = startMillis(p);
    // unknown start times (0) cannot tell a reused pid apart: keep the file, to be safe; a second
    // of slack, should two readings of one process's start time ever round apart
    return start == 0 || now == 0 || Math.abs(now - start) < 1000;
  }

  /**
   * Maps a block this or another process created, or returns this process's mapping of it while one
   * is held and its file still exists.
   *
   * @param location the block's name
   * @param size its size
   * @return a mapping of it
   * @throws IllegalArgumentException when {@code location} is not the name of a block
   * @throws IllegalStateException when there is no such block (closed by its creator, its creator
   *     gone, or never created)
   * @throws UncheckedIOException when it exists but cannot be opened or is smaller than {@code
   *     size}
   */
  public static MappedByteBuffer attach(String location, long size) {
    Path file = checkedName(location);
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      ATTACHED.remove(location);
      throw gone(location, null);
    }
    WeakReference<MappedByteBuffer> ref = ATTACHED.get(location);
    MappedByteBuffer cached = ref == null ? null : ref.get();
    if (cached != null && cached.capacity() == size) {
      return cached;
    }
    try (FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      if (channel.size() < size) {
        throw new IOException("it holds " + channel.size() + " bytes, not " + size);
      }
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      ATTACHED.put(location, new WeakReference<>(buffer));
      return buffer;
    } catch (NoSuchFileException e) {
      throw gone(location, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open shared memory block " + location, e);
    }
  }

  private static IllegalStateException gone(String location, Throwable cause) {
    return new IllegalStateException(
        "thread \""
            + Thread.currentThread().getName()
            + "\" attached to shared memory block "
            + location
            + ", which does not exist: its creator closed it or exited (a closed block's name is"
            + " never reused); attach only while the creator holds the block open",
        cause);
  }

  /**
   * @param location a name given to attach
   * @return its file
   * @throws IllegalArgumentException when it is not the shape of a block's name
   */
  private static Path checkedName(String location) {
    Path file;
    try {
      file = Path.of(location);
    } catch (java.nio.file.InvalidPathException e) {
      file = null;
    }
    if (file == null
        || !file.isAbsolute()
        || file.getFileName() == null
        || !NAME.matcher(file.getFileName().toString()).matches()
        || !file.equals(file.normalize())) {
      throw new IllegalArgumentException(
          "\""
              + location
              + "\" is not the name of a shared memory block (an absolute path to a file named "
              + PREFIX
              + "<pid>-<start>-<32 hex digits>); pass the name() of a block");
    }
    return file;
  }
}
