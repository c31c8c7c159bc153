package dev.baton.cluster.internal;

import com.hazelcast.logging.AbstractLogger;
import com.hazelcast.logging.ILogger;
import com.hazelcast.logging.LogEvent;
import com.hazelcast.logging.LoggerFactorySupport;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hazelcast's logging, through SLF4J, one level down: Hazelcast's INFO (its start-up banner,
 * configuration, partition and membership chatter, some fifty lines per member) is SLF4J DEBUG,
 * since Baton logs what a user needs of membership itself; its advice about the JVM's module
 * options ("modular environment") is DEBUG too, since {@code ClusterMember.jvmOptions()} gives
 * them; so are the warnings any start-up on a port range gives (a client trying the ports of the
 * range, a member finding the first ones taken). Other warnings and errors stay what they are.
 * Installed by {@link Settings} as the system property {@code hazelcast.logging.class}, unless this
 * JVM chose another logging.
 */
public final class HazelcastLogging extends LoggerFactorySupport {
  /** For Hazelcast, which instantiates it by name. */
  public HazelcastLogging() {}

  @Override
  protected ILogger createLogger(String name) {
    return new Demoted(LoggerFactory.getLogger(name), name.endsWith("ModularJavaUtils"));
  }

  private static final class Demoted extends AbstractLogger {
    private final Logger logger;
    private final boolean advisory;

    Demoted(Logger logger, boolean advisory) {
      this.logger = logger;
      this.advisory = advisory;
    }

    @Override
    public void log(Level level, String message) {
      log(level, message, null);
    }

    @Override
    public void log(Level level, String message, Throwable thrown) {
      int v = level.intValue();
      if (v >= Level.SEVERE.intValue()) {
        logger.error(message, thrown);
      } else if (v >= Level.WARNING.intValue() && !advisory && !startUpNoise(message)) {
        logger.warn(message, thrown);
      } else if (v >= Level.INFO.intValue()) {
        logger.debug(message, thrown);
      } else {
        logger.trace(message, thrown);
      }
    }

    /**
     * Warnings that a start-up on a port range always gives: a client tries every port of the
     * range, a member finds the first ones taken.
     */
    private static boolean startUpNoise(String message) {
      return message != null
          && (message.startsWith("Exception during initial connection to")
              || message.contains("Some of the ports seem occupied"));
    }

    @Override
    @SuppressWarnings("removal") // Hazelcast's interface still declares it
    public void log(LogEvent event) {
      log(
          event.getLogRecord().getLevel(),
          event.getLogRecord().getMessage(),
          event.getLogRecord().getThrown());
    }

    @Override
    public Level getLevel() {
      if (logger.isTraceEnabled()) {
        return Level.FINEST;
      }
      if (logger.isDebugEnabled()) {
        return Level.INFO;
      }
      return logger.isWarnEnabled() ? Level.WARNING : Level.SEVERE;
    }

    @Override
    public boolean isLoggable(Level level) {
      int v = level.intValue();
      if (v >= Level.SEVERE.intValue()) {
        return logger.isErrorEnabled();
      }
      if (v >= Level.WARNING.intValue() && !advisory) {
        return logger.isWarnEnabled();
      }
      return v >= Level.INFO.intValue() ? logger.isDebugEnabled() : logger.isTraceEnabled();
    }
  }
}
