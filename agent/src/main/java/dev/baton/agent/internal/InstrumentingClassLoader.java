package dev.baton.agent.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Set;

/**
 * Defines the named classes from their parent's class files as {@link ClassInstrumenter} rewrites
 * them, and leaves every other class to the parent: the agent's rewrite without {@code -javaagent},
 * so that a benchmark or a race proof runs the rewritten and the original code in one JVM. Those
 * modules build for an older release than this one and so construct it by reflection ({@code
 * (ClassLoader) Class.forName(...).getConstructor(ClassLoader.class, Set.class)
 * .newInstance(parent, names)}).
 */
public final class InstrumentingClassLoader extends ClassLoader {
  private final Set<String> names;

  /**
   * @param parent where the class files are read and every other class is loaded
   * @param names binary names of the classes to define rewritten
   */
  public InstrumentingClassLoader(ClassLoader parent, Set<String> names) {
    super(Objects.requireNonNull(parent, "parent"));
    this.names = Set.copyOf(names);
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!names.contains(name)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded != null) {
        return loaded;
      }
      try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
        if (in == null) {
          throw new ClassNotFoundException(name);
        }
        byte[] bytes = in.readAllBytes();
        byte[] rewritten = ClassInstrumenter.instrument(bytes, this);
        byte[] code = rewritten == null ? bytes : rewritten;
        return defineClass(name, code, 0, code.length);
      } catch (IOException e) {
        throw new ClassNotFoundException(name, e);
      }
    }
  }
}
