package dev.baton.eventloop;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The program {@link ServerBackOffTest} runs in a JVM with a low descriptor limit: clients wait in
 * a server's backlog while every descriptor is taken, so each accept fails with EMFILE; the loop
 * runs a fixed number of passes meanwhile; then the descriptors are given back and the clients must
 * be served. Prints {@code exhausted=...}, {@code passes=...} and {@code served=...} on stdout; the
 * server's log goes to stderr.
 */
public final class AcceptExhaustionChild {
  static final int CLIENTS = 3;
  static final int PASSES = 300;

  private AcceptExhaustionChild() {}

  public static void main(String[] args) throws Exception {
    LoggerFactory.getLogger(AcceptExhaustionChild.class).info("child started");
    preloadOwnClasses(); // loading a class from a directory needs a descriptor
    String result =
        EventLoop.run(
            "emfile",
            TaskMechanism.VIRTUAL_THREADS,
            () -> {
              EventLoop loop = EventLoop.current();
              Future<Void> allServed = new Future<>(loop);
              int[] served = {0};
              Server server =
                  Server.start(
                      (r, w) -> {
                        if (++served[0] == CLIENTS) {
                          allServed.setResult(null);
                        }
                      },
                      "127.0.0.1",
                      0);
              List<SocketChannel> clients = new ArrayList<>();
              for (int i = 0; i < CLIENTS; i++) {
                // completes in the backlog, before any accept
                clients.add(SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port())));
              }
              List<InputStream> hogs = new ArrayList<>();
              boolean exhausted = false;
              try {
                while (hogs.size() < 100_000) {
                  hogs.add(new FileInputStream("/dev/null"));
                }
              } catch (IOException e) {
                exhausted = String.valueOf(e.getMessage()).contains("Too many open files");
              }
              int passes = 0;
              while (passes < PASSES) {
                Tasks.sleep(Duration.ZERO);
                passes++;
              }
              Tasks.sleep(Duration.ofMillis(300)); // a few paused retries, still failing
              for (InputStream hog : hogs) {
                hog.close();
              }
              Tasks.waitFor(allServed, Duration.ofSeconds(30));
              for (SocketChannel c : clients) {
                c.close();
              }
              server.close();
              return "exhausted=" + exhausted + " passes=" + passes + " served=" + served[0];
            });
    System.out.println(result);
  }

  private static void preloadOwnClasses() throws Exception {
    ClassLoader loader = AcceptExhaustionChild.class.getClassLoader();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path root = Path.of(entry);
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String name = root.relativize(file).toString();
          if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
            String className =
                name.substring(0, name.length() - 6).replace(File.separatorChar, '.');
            try {
              Class.forName(className, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
              throw new UncheckedIOException(new IOException("cannot preload " + className, e));
            }
          }
        }
      }
    }
  }
}
