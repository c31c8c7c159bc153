package dev.baton.process.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Runs an application in a class loader of its own, the way {@code mvn exec:java} runs one inside
 * Maven's JVM: the application's classes are not on {@code java.class.path}, and the loader (the
 * thread's context class loader too) has the platform loader as parent.
 *
 * <p>Arguments: {@code url} (a {@link URLClassLoader}, as exec:java uses) or {@code opaque} (a
 * loader that is not a {@code URLClassLoader}, whose class path cannot be derived), the entries of
 * its class path separated by {@link java.io.File#pathSeparator}, the main class, its arguments.
 */
public final class IsolatingLauncher {
  private IsolatingLauncher() {}

  /**
   * @param args the loader kind, its class path, the main class, the main class's arguments
   * @throws Exception what the application throws
   */
  public static void main(String[] args) throws Exception {
    List<Path> entries = new ArrayList<>();
    for (String e : args[1].split(java.io.File.pathSeparator)) {
      entries.add(Path.of(e));
    }
    ClassLoader loader =
        args[0].equals("url")
            ? new URLClassLoader(urls(entries), ClassLoader.getPlatformClassLoader())
            : new OpaqueLoader(entries);
    Thread.currentThread().setContextClassLoader(loader);
    String[] rest = java.util.Arrays.copyOfRange(args, 3, args.length);
    Class.forName(args[2], true, loader)
        .getMethod("main", String[].class)
        .invoke(null, (Object) rest);
  }

  private static URL[] urls(List<Path> entries) throws MalformedURLException {
    URL[] urls = new URL[entries.size()];
    for (int i = 0; i < urls.length; i++) {
      urls[i] = entries.get(i).toUri().toURL();
    }
    return urls;
  }

  /** Defines classes from directories and jars, without saying where from. */
  private static final class OpaqueLoader extends ClassLoader {
    private final List<Path> entries;

    OpaqueLoader(List<Path> entries) {
      super("opaque", ClassLoader.getPlatformClassLoader());
      this.entries = entries;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      String file = name.replace('.', '/') + ".class";
      for (Path entry : entries) {
        try {
          byte[] bytes = read(entry, file);
          if (bytes != null) {
            return defineClass(name, bytes, 0, bytes.length);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      throw new ClassNotFoundException(name);
    }

    private static byte[] read(Path entry, String file) throws IOException {
      if (Files.isDirectory(entry)) {
        Path p = entry.resolve(file);
        return Files.isRegularFile(p) ? Files.readAllBytes(p) : null;
      }
      try (JarFile jar = new JarFile(entry.toFile())) {
        ZipEntry z = jar.getEntry(file);
        if (z == null) {
          return null;
        }
        try (InputStream in = jar.getInputStream(z)) {
          return in.readAllBytes();
        }
      }
    }
  }
}
