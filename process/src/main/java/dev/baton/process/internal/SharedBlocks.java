package dev.baton.process.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files behind shared memory blocks, and how a block leaves nothing on disk.
 *
 * <p>A block is a file in {@code /dev/shm} (memory, on Linux) or else the temporary directory,
 * named {@code baton-shm-<pid>-<seq>}, sized (sparse: pages are allocated when first touched) and
 * mapped. Where the platform has {@code /proc/self/fd} (Linux), the creator unlinks the file right
 * after mapping it and keeps the channel open: other processes open it as {@code
 * /proc/<pid>/fd/<fd>}, and the memory is the kernel's to free once the creator's descriptor and
 * every mapping are gone, so nothing is left on disk however the creator and the workers end, a
 * {@code SIGKILL} included. Elsewhere the file stays until the block is closed, or the creator
 * exits (a shutdown hook), and a creator that was killed leaves files that the next {@link #create}
 * in any process sweeps (their pid is no longer alive).
 *
 * <p>Attached mappings are cached per location with weak references, so that the tasks of one
 * worker share one mapping while any of them holds it, and the mapping goes when none does.
 * Thread-safe.
 */
public final class SharedBlocks {
  private static final Logger LOG = LoggerFactory.getLogger(SharedBlocks.class);
  private static final String PREFIX = "baton-shm-";
  private static final AtomicLong SEQ = new AtomicLong();
  private static final long PID = ProcessHandle.current().pid();

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
   * @param location where other processes open it
   * @param file its file while it is linked, or null once unlinked
   * @param channel its channel, open until {@link #close}
   * @param buffer its mapping
   */
  public record Created(String location, Path file, FileChannel channel, MappedByteBuffer buffer) {
    /** Closes the channel and deletes the file if it is still linked. */
    public void close() {
      try {
        channel.close();
      } catch (IOException e) {
        LOG.warn("closing shared memory block {}: {}", location, e.toString());
      }
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          LOG.warn("deleting shared memory file {}: {}", file, e.toString());
        }
        LINKED.remove(file);
      }
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
    return Path.of(System.getProperty("java.io.tmpdir"));
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
    Path file = dir.resolve(PREFIX + PID + "-" + SEQ.incrementAndGet());
    FileChannel channel = null;
    try {
      channel =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      LINKED.add(file);
      channel.write(java.nio.ByteBuffer.wrap(new byte[1]), size - 1); // sized, sparse
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      String proc = descriptorPath(file);
      if (proc != null) {
        Files.delete(file);
        LINKED.remove(file);
        return new Created(proc, null, channel, buffer);
      }
      return new Created(file.toString(), file, channel, buffer);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      try {
        Files.deleteIfExists(file);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      LINKED.remove(file);
      throw new UncheckedIOException(
          "cannot create a shared memory block of " + size + " bytes in " + dir, e);
    }
  }

  /**
   * The {@code /proc/<pid>/fd/<n>} path of this process's open descriptor of {@code file}, found by
   * reading its descriptor links, or null where there are none (not Linux) or none matches.
   */
  private static String descriptorPath(Path file) {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return null;
    }
    Path target = file.toAbsolutePath();
    try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
      for (Path link : links) {
        try {
          if (Files.readSymbolicLink(link).equals(target)) {
            return "/proc/" + PID + "/fd/" + link.getFileName();
          }
        } catch (IOException | UnsupportedOperationException e) {
          // the descriptor closed meanwhile, or is not a link: not ours
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** Deletes block files left by processes that are no longer alive. */
  private static void sweep(Path dir) {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
      for (Path f : files) {
        String rest = f.getFileName().toString().substring(PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0) {
          continue;
        }
        long pid;
        try {
          pid = Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != PID && ProcessHandle.of(pid).isEmpty()) {
          Files.deleteIfExists(f);
          LOG.info("deleted shared memory file {} of process {}, which is gone", f, pid);
        }
      }
    } catch (IOException e) {
      LOG.debug("could not sweep {} for stale shared memory files: {}", dir, e.toString());
    }
  }

  /**
   * Maps a block another process created, or returns this process's mapping of it while one is
   * held.
   *
   * @param location the block's location
   * @param size its size
   * @return a mapping of it
   * @throws UncheckedIOException when it cannot be opened (its creator closed it or is gone)
   */
  public static MappedByteBuffer attach(String location, long size) {
    WeakReference<MappedByteBuffer> ref = ATTACHED.get(location);
    MappedByteBuffer cached = ref == null ? null : ref.get();
    if (cached != null && cached.capacity() == size) {
      return cached;
    }
    try (FileChannel channel =
        FileChannel.open(Path.of(location), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (channel.size() < size) {
        throw new IOException("it holds " + channel.size() + " bytes, not " + size);
      }
      MappedByteBuffer buffer = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
      ATTACHED.put(location, new WeakReference<>(buffer));
      return buffer;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot open shared memory block "
              + location
              + " (was it closed by its creator, or did its creator exit?)",
          e);
    }
  }
}
