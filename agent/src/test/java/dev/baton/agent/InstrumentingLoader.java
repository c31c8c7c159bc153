package dev.baton.agent;

import dev.baton.agent.internal.ClassInstrumenter;
import dev.baton.agent.internal.SwitchPoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Loads the classes of {@code dev.baton.agent.sample} instrumented, as the agent's transformer
 * would, and delegates every other class to its parent: the tests exercise the rewritten bytecode
 * without a {@code -javaagent} flag.
 */
final class InstrumentingLoader extends ClassLoader {
  static final String SAMPLES = "dev.baton.agent.sample.";

  private final SwitchPoints switchPoints;

  InstrumentingLoader() {
    this(SwitchPoints.EVERYWHERE);
  }

  InstrumentingLoader(SwitchPoints switchPoints) {
    super(InstrumentingLoader.class.getClassLoader());
    this.switchPoints = switchPoints;
  }

  static boolean instrumented(Class<?> type) {
    return type.getClassLoader() instanceof InstrumentingLoader;
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith(SAMPLES)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        byte[] bytes = read(name);
        byte[] rewritten = ClassInstrumenter.instrument(bytes, this, switchPoints);
        byte[] code = rewritten != null ? rewritten : bytes;
        loaded = defineClass(name, code, 0, code.length);
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  @Override
  public InputStream getResourceAsStream(String name) {
    return getParent().getResourceAsStream(name);
  }

  private byte[] read(String name) throws ClassNotFoundException {
    String resource = name.replace('.', '/') + ".class";
    try (InputStream in = getParent().getResourceAsStream(resource)) {
      if (in == null) {
        throw new ClassNotFoundException(name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
