package dev.baton.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The agent jar's {@code Premain-Class}: compiled for Java 8, so that any JVM from 8 on can load
 * it and say in one line what is wrong instead of failing on a class-file version. On a JDK older
 * than {@link #NEEDED} it prints which JDK the agent needs and how Baton finds one, and ends the
 * JVM with status {@link #STATUS_OLD_JDK}; with wrong options it ends it with status {@link
 * #STATUS_BAD_OPTIONS} after the agent's help, with no stack trace; given the library jar instead
 * of the runnable one, it says which to use and ends it with status {@link #STATUS_THIN_JAR}.
 * Otherwise it calls {@code
 * BatonAgent.premain} reflectively (the agent's classes need the newer JDK to load at all).
 *
 * <p>Ending the JVM from {@code premain} is deliberate: an exception thrown out of it makes the
 * JVM's instrumentation library abort the process with native assertion messages and a core-dump
 * status.
 */
public final class AgentLauncher {
  /** The Java feature version the agent needs: the JDK's ClassFile API is final in 24. */
  static final int NEEDED = 24;

  /** Exit status when the running JDK is older than {@link #NEEDED}. */
  static final int STATUS_OLD_JDK = 3;

  /** Exit status when the jar is the library jar, without the classes the agent runs on. */
  static final int STATUS_THIN_JAR = 4;

  /** Exit status when the agent's options are wrong. */
  static final int STATUS_BAD_OPTIONS = 2;

  private AgentLauncher() {}

  /**
   * The JVM's entry point for {@code -javaagent}.
   *
   * @param args the option string
   * @param instrumentation the JVM's instrumentation service
   * @throws Exception what the agent's start-up throws, other than wrong options
   */
  public static void premain(String args, Instrumentation instrumentation) throws Exception {
    int feature = feature(System.getProperty("java.specification.version"));
    if (feature < NEEDED) {
      System.err.println(
          "baton-agent: needs a JDK "
              + NEEDED
              + " or newer (it rewrites bytecode with the JDK's ClassFile API), but runs on Java "
              + System.getProperty("java.version")
              + " at "
              + System.getProperty("java.home")
              + "; run the program with a newer JDK's java: Baton's scripts find one (set"
              + " BATON_JAVA_HOME, or run `. .mvn/find-jdk.sh` in a Baton checkout, which sets"
              + " JAVA_HOME) - the JVM stops now with status "
              + STATUS_OLD_JDK);
      System.exit(STATUS_OLD_JDK);
    }
    try {
      Method premain =
          Class.forName("dev.baton.agent.BatonAgent")
              .getMethod("premain", String.class, Instrumentation.class);
      premain.invoke(null, args, instrumentation);
    } catch (NoClassDefFoundError e) {
      thinJar(e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof NoClassDefFoundError) {
        thinJar((NoClassDefFoundError) cause);
      }
      if (cause instanceof IllegalArgumentException) {
        // the agent printed what was wrong and its help
        System.err.println(
            "baton-agent: wrong options (see above) - the JVM stops now with status "
                + STATUS_BAD_OPTIONS);
        System.exit(STATUS_BAD_OPTIONS);
      }
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw e;
    }
  }

  /** The library jar was given to -javaagent: it lacks the classes the agent runs on. */
  private static void thinJar(NoClassDefFoundError e) {
    System.err.println(
        "baton-agent: this jar lacks "
            + e.getMessage()
            + ": it is the library jar; -javaagent needs the runnable one, with Baton inside"
            + " (classifier runtime: baton-agent-VERSION-runtime.jar, or agent/target/baton-agent.jar"
            + " of a build) - the JVM stops now with status "
            + STATUS_THIN_JAR);
    System.exit(STATUS_THIN_JAR);
  }

  /** "1.8" is 8, "17" is 17; an unreadable version counts as new enough. */
  static int feature(String specification) {
    if (specification == null) {
      return Integer.MAX_VALUE;
    }
    String v = specification.startsWith("1.") ? specification.substring(2) : specification;
    int end = 0;
    while (end < v.length() && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? Integer.MAX_VALUE : Integer.parseInt(v.substring(0, end));
  }
}
