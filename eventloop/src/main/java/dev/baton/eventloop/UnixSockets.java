package dev.baton.eventloop;

import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * A Unix domain server's socket file: a stale one is replaced before binding, a live one is not; on
 * close the file is removed only if it is still the one the server bound (same file key), so that a
 * server never deletes the socket of another that bound the same path since.
 */
final class UnixSockets {
  private UnixSockets() {}

  /** Removes {@code path} if it is a socket file nothing accepts on. */
  static void removeIfStale(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    BasicFileAttributes a =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!a.isOther()) {
      throw new BindException(
          "cannot bind a Unix domain socket at " + path + ": a file that is not a socket is there");
    }
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      probe.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException refused) {
      Files.deleteIfExists(path); // nobody accepts: left by a server that is gone
      return;
    }
    throw new BindException(
        "cannot bind a Unix domain socket at " + path + ": a live server accepts on it");
  }

  static Object fileKey(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  static void removeIfOurs(Path path, Object key) {
    try {
      if (key != null && Objects.equals(fileKey(path), key)) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      EventLoop.LOG.warn("could not remove the socket file {}", path, e);
    }
  }
}
