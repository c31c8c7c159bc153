package dev.baton.process.internal;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where a worker JVM finds its code: the tail of its command line after the JVM options ({@code -cp
 * ... WorkerMain}, or {@code -p ... --add-modules ... -m dev.baton.process/...WorkerMain}).
 *
 * <p>Derived from the running application unless the user gave a class path or a module path:
 *
 * <ul>
 *   <li>baton-process in a named module of the boot layer (the application was launched with {@code
 *       -p}/{@code -m}): the worker gets the same module path ({@code jdk.module.path}), the boot
 *       layer's modules as roots, so that it resolves the same graph as the parent, the same class
 *       path, and {@code dev.baton.process} as its main module;
 *   <li>loaded through {@link URLClassLoader}s (Maven's {@code exec:java}, an application server, a
 *       plugin host): their {@code file:} URLs, parents first, then the system class path if the
 *       chain ends in the system class loader; the context class loader's chain is walked before
 *       baton-process's own, so that the tasks' classes are found too;
 *   <li>loaded by the system class loader (plain class path, {@code java -jar} with a fat jar or a
 *       {@code Class-Path} manifest, which the worker's JVM follows from the same jar): {@code
 *       java.class.path}.
 * </ul>
 *
 * Anything else (a module layer of its own, a class loader that is not a {@code URLClassLoader}, a
 * derived class path that does not hold baton-process) fails with an {@link IllegalStateException}
 * whose message names {@code classPath(...)} and {@code modulePath(...)}. Immutable.
 */
public final class WorkerLaunch {
  private static final String MAIN = WorkerMain.class.getName();

  /** The module's name, also when this JVM runs it from the class path. */
  private static final String MODULE = "dev.baton.process";

  private final String classPath;
  private final String modulePath;
  private final String rootModules;

  private WorkerLaunch(String classPath, String modulePath, String rootModules) {
    this.classPath = classPath;
    this.modulePath = modulePath;
    this.rootModules = rootModules;
  }

  /**
   * A launch the user chose: either path may be null, not both.
   *
   * @param classPath the workers' class path, or null
   * @param modulePath the workers' module path, or null (then baton-process must be on the class
   *     path); every module on it is resolved
   * @return the launch
   */
  public static WorkerLaunch given(String classPath, String modulePath) {
    if (classPath == null && modulePath == null) {
      throw new IllegalArgumentException("a class path or a module path is needed");
    }
    return new WorkerLaunch(classPath, modulePath, modulePath == null ? null : "ALL-MODULE-PATH");
  }

  /**
   * Derives the launch from how this JVM loaded baton-process and the tasks' classes.
   *
   * @param taskLoader the loader tasks are resolved with (the building thread's context loader)
   * @param thread the building thread's name, for the message
   * @return the launch
   * @throws IllegalStateException when it cannot be derived; the message says what to pass instead
   */
  public static WorkerLaunch derive(ClassLoader taskLoader, String thread) {
    Module module = WorkerMain.class.getModule();
    if (module.isNamed()) {
      if (module.getLayer() != ModuleLayer.boot()
          || System.getProperty("jdk.module.path") == null) {
        throw cannotDerive(
            "module " + MODULE + " is in a module layer of its own, not the boot layer", thread);
      }
      Set<String> roots = new TreeSet<>();
      for (Module m : ModuleLayer.boot().modules()) {
        roots.add(m.getName());
      }
      String cp = System.getProperty("java.class.path", "");
      return new WorkerLaunch(
          cp.isEmpty() ? null : cp, System.getProperty("jdk.module.path"), String.join(",", roots));
    }
    Set<String> entries = new LinkedHashSet<>();
    if (taskLoader != null) {
      collect(taskLoader, entries, false, thread);
    }
    collect(WorkerMain.class.getClassLoader(), entries, true, thread);
    String own = codeSource(WorkerMain.class);
    ClassLoader system = ClassLoader.getSystemClassLoader();
    if (!chainReaches(WorkerMain.class.getClassLoader(), system)
        && own != null
        && !entries.contains(own)) {
      throw cannotDerive(
          "the class path derived from its class loaders ("
              + String.join(File.pathSeparator, entries)
              + ") does not hold "
              + own,
          thread);
    }
    if (entries.isEmpty()) {
      throw cannotDerive("no class path could be derived from its class loaders", thread);
    }
    return new WorkerLaunch(String.join(File.pathSeparator, entries), null, null);
  }

  private static boolean chainReaches(ClassLoader loader, ClassLoader target) {
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l == target) {
        return true;
      }
    }
    return false;
  }

  /**
   * Adds a loader chain's entries, parents first. A loader whose entries are unknown is skipped,
   * unless it is {@code loader} itself and {@code strict}: then the classes it defines (the
   * worker's own) could not be found.
   */
  private static void collect(
      ClassLoader loader, Set<String> entries, boolean strict, String thread) {
    List<ClassLoader> chain = new ArrayList<>();
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      chain.add(0, l);
    }
    ClassLoader system = ClassLoader.getSystemClassLoader();
    ClassLoader platform = ClassLoader.getPlatformClassLoader();
    for (ClassLoader l : chain) {
      if (l == system) {
        for (String e : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
          if (!e.isEmpty()) {
            entries.add(e);
          }
        }
      } else if (l instanceof URLClassLoader u) {
        for (URL url : u.getURLs()) {
          if ("file".equals(url.getProtocol())) {
            entries.add(path(url));
          } else if (strict && l == loader) {
            throw cannotDerive(
                "class loader " + describe(l) + " loads from " + url + ", which a worker cannot",
                thread);
          }
        }
      } else if (strict && l == loader && l != platform) {
        throw cannotDerive(
            "class loader "
                + describe(l)
                + " is neither the system class loader nor a URLClassLoader, so its class path"
                + " is unknown",
            thread);
      }
    }
  }

  private static String describe(ClassLoader l) {
    return (l.getName() == null ? "" : "\"" + l.getName() + "\" ")
        + "("
        + l.getClass().getName()
        + ")";
  }

  private static String codeSource(Class<?> c) {
    CodeSource source = c.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    return "file".equals(source.getLocation().getProtocol()) ? path(source.getLocation()) : null;
  }

  private static String path(URL url) {
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return url.getPath();
    }
  }

  private static IllegalStateException cannotDerive(String why, String thread) {
    return new IllegalStateException(
        "thread \""
            + thread
            + "\" built a process pool whose workers' code cannot be derived from this JVM: "
            + why
            + "; pass ProcessPool.builder().classPath(...) (or modulePath(...)) with baton-process,"
            + " baton-core, slf4j-api and the classes of your tasks");
  }

  /**
   * @return the class path, or null when the workers get none
   */
  public String classPath() {
    return classPath;
  }

  /**
   * @return whether workers start from the module path
   */
  public boolean onModulePath() {
    return modulePath != null;
  }

  /**
   * @return the command line tail that starts {@link WorkerMain}: paths, then the main class
   */
  public List<String> arguments() {
    List<String> args = new ArrayList<>();
    if (modulePath != null) {
      args.add("-p");
      args.add(modulePath);
      args.add("--add-modules");
      args.add(Objects.requireNonNull(rootModules));
    }
    if (classPath != null) {
      args.add("-cp");
      args.add(classPath);
    }
    if (modulePath != null) {
      args.add("-m");
      args.add(MODULE + "/" + MAIN);
    } else {
      args.add(MAIN);
    }
    return args;
  }
}
