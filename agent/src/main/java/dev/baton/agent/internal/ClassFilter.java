package dev.baton.agent.internal;

import java.util.List;

/**
 * Which classes the agent instruments: those whose name starts with an included prefix and with no
 * excluded one, never the JDK, Baton's library, the agent, or test and build runners.
 *
 * @param include included prefixes, dotted ({@code com.example.})
 * @param exclude excluded prefixes, dotted
 */
public record ClassFilter(List<String> include, List<String> exclude) {

  /** Prefixes never instrumented, whatever the options say. */
  static final List<String> NEVER =
      List.of(
          "java.",
          "javax.",
          "jdk.",
          "sun.",
          "com.sun.",
          "dev.baton.agent.",
          "dev.baton.core.",
          "dev.baton.gil.",
          "dev.baton.eventloop.",
          "dev.baton.process.",
          "dev.baton.rhino.",
          "dev.baton.cluster.",
          "org.slf4j.",
          "org.jctools.",
          "org.junit.",
          "org.opentest4j.",
          "org.apiguardian.",
          "org.assertj.",
          "org.awaitility.",
          "org.apache.maven.",
          "org.codehaus.plexus.",
          "org.gradle.",
          "worker.org.gradle.",
          "org.openjdk.jmh.",
          "org.openjdk.jcstress.",
          "picocli.");

  /**
   * @param dottedName a binary class name, {@code com.example.Main}
   * @return whether the class is the application's: none of those never instrumented, whatever the
   *     options say (the JDK, Baton, its dependencies, test and build runners)
   */
  public static boolean ofApplication(String dottedName) {
    for (String never : NEVER) {
      if (dottedName.startsWith(never)) {
        return false;
      }
    }
    return true;
  }

  /**
   * @param dottedName a binary class name, {@code com.example.Main}
   * @return whether the agent instruments the class
   */
  public boolean includes(String dottedName) {
    if (!ofApplication(dottedName)) {
      return false;
    }
    for (String prefix : exclude) {
      if (dottedName.startsWith(prefix)) {
        return false;
      }
    }
    for (String prefix : include) {
      if (dottedName.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param dottedName a binary class name
   * @return the included prefix that makes the agent instrument the class, or null when it does not
   */
  public String includedBy(String dottedName) {
    if (!includes(dottedName)) {
      return null;
    }
    for (String prefix : include) {
      if (dottedName.startsWith(prefix)) {
        return prefix;
      }
    }
    return null;
  }

  /**
   * @param type a loaded class
   * @return whether its code was instrumented by an agent with this filter
   */
  public boolean instrumented(Class<?> type) {
    return type.getClassLoader() != null && !type.isHidden() && includes(type.getName());
  }
}
