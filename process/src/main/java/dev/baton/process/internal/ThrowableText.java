package dev.baton.process.internal;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * An exception's stack trace printed within fixed bounds, for exceptions that cross a process
 * boundary: a task may throw anything, including an exception whose cause chain is 50 000 deep
 * (which {@link Throwable#printStackTrace()} and Java serialization follow by recursion, until the
 * stack overflows) or cyclic (which loops a naive walk).
 *
 * <p>Bounds: causes and suppressed exceptions are followed {@value #MAX_DEPTH} levels below the
 * thrown exception (a cause or a suppressed entry is one level deeper than its holder); at most
 * {@value #MAX_SUPPRESSED} suppressed entries are printed per exception and at most {@value
 * #MAX_EXCEPTIONS} exceptions in all; at most {@value #MAX_FRAMES} stack frames per exception. What
 * lies beyond is cut, and the cut is marked in the text ({@code [... cut: ...]}). An exception met
 * a second time in one graph is printed as {@code [CIRCULAR REFERENCE: ...]}, as the JDK does, and
 * not followed. An exception's own {@code toString} or {@code getStackTrace} that throws is
 * described rather than followed. {@link #isBounded} tells whether an exception graph lies within
 * these bounds with no cycle, which is when it may also be sent serialized. Stateless.
 */
public final class ThrowableText {
  /** Levels of causes and suppressed entries followed below the thrown exception. */
  public static final int MAX_DEPTH = 32;

  /** Suppressed entries printed per exception. */
  public static final int MAX_SUPPRESSED = 32;

  /** Exceptions printed in one trace. */
  public static final int MAX_EXCEPTIONS = 256;

  /** Stack frames printed per exception. */
  public static final int MAX_FRAMES = 1024;

  private ThrowableText() {}

  /**
   * @param t an exception
   * @return its stack trace in {@link Throwable#printStackTrace()}'s format, within the bounds
   */
  public static String print(Throwable t) {
    StringBuilder out = new StringBuilder(1024);
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    int[] printed = {0};
    print(out, t, new StackTraceElement[0], "", "", 0, seen, printed);
    return out.toString();
  }

  private static void print(
      StringBuilder out,
      Throwable t,
      StackTraceElement[] enclosing,
      String caption,
      String prefix,
      int depth,
      Set<Throwable> seen,
      int[] printed) {
    if (!seen.add(t)) {
      out.append(prefix).append(caption).append("[CIRCULAR REFERENCE: ");
      out.append(describe(t)).append("]\n");
      return;
    }
    printed[0]++;
    out.append(prefix).append(caption).append(describe(t)).append('\n');
    StackTraceElement[] trace = frames(t);
    int m = trace.length - 1;
    int n = enclosing.length - 1;
    while (m >= 0 && n >= 0 && trace[m].equals(enclosing[n])) {
      m--;
      n--;
    }
    int common = trace.length - 1 - m;
    int shown = Math.min(m + 1, MAX_FRAMES);
    for (int i = 0; i < shown; i++) {
      out.append(prefix).append("\tat ").append(trace[i]).append('\n');
    }
    if (shown < m + 1) {
      out.append(prefix).append("\t[... cut: ").append(m + 1 - shown).append(" more frames]\n");
    }
    if (common != 0) {
      out.append(prefix).append("\t... ").append(common).append(" more\n");
    }
    Throwable[] suppressed = suppressed(t);
    Throwable cause = cause(t);
    if (depth >= MAX_DEPTH && (suppressed.length > 0 || cause != null)) {
      out.append(prefix)
          .append("\t[... cut: causes and suppressed exceptions deeper than ")
          .append(MAX_DEPTH)
          .append(" levels]\n");
      return;
    }
    for (int i = 0; i < suppressed.length; i++) {
      if (i == MAX_SUPPRESSED || printed[0] >= MAX_EXCEPTIONS) {
        out.append(prefix)
            .append("\t[... cut: ")
            .append(suppressed.length - i)
            .append(" more suppressed exceptions]\n");
        break;
      }
      print(out, suppressed[i], trace, "Suppressed: ", prefix + "\t", depth + 1, seen, printed);
    }
    if (cause != null) {
      if (printed[0] >= MAX_EXCEPTIONS) {
        out.append(prefix)
            .append("[... cut: causes beyond ")
            .append(MAX_EXCEPTIONS)
            .append(" exceptions]\n");
      } else {
        print(out, cause, trace, "Caused by: ", prefix, depth + 1, seen, printed);
      }
    }
  }

  /**
   * @param t an exception
   * @return whether it, its causes and suppressed entries lie within the bounds, with no exception
   *     met twice: then printing and serializing it reach its end
   */
  public static boolean isBounded(Throwable t) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    return isBounded(t, 0, seen);
  }

  private static boolean isBounded(Throwable t, int depth, Set<Throwable> seen) {
    if (depth > MAX_DEPTH || !seen.add(t) || seen.size() > MAX_EXCEPTIONS) {
      return false;
    }
    Throwable[] suppressed = suppressed(t);
    if (suppressed.length > MAX_SUPPRESSED || frames(t).length > MAX_FRAMES) {
      return false;
    }
    for (Throwable s : suppressed) {
      if (!isBounded(s, depth + 1, seen)) {
        return false;
      }
    }
    Throwable cause = cause(t);
    return cause == null || isBounded(cause, depth + 1, seen);
  }

  /**
   * @param t an exception
   * @return its {@code toString()}, or, when that throws, its class and what it threw
   */
  public static String describe(Throwable t) {
    try {
      return String.valueOf(t);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return t.getClass().getName() + " [its toString() threw " + e.getClass().getName() + "]";
    }
  }

  /**
   * @param t an exception
   * @return its message, or a note saying that {@code getMessage()} threw
   */
  public static String message(Throwable t) {
    try {
      return t.getMessage();
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return "[its getMessage() threw " + e.getClass().getName() + "]";
    }
  }

  private static StackTraceElement[] frames(Throwable t) {
    try {
      StackTraceElement[] trace = t.getStackTrace();
      return trace == null ? new StackTraceElement[0] : trace;
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return new StackTraceElement[0];
    }
  }

  private static Throwable[] suppressed(Throwable t) {
    try {
      Throwable[] s = t.getSuppressed();
      return s == null ? new Throwable[0] : s;
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return new Throwable[0];
    }
  }

  private static Throwable cause(Throwable t) {
    try {
      Throwable c = t.getCause();
      return c == t ? null : c;
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return null;
    }
  }
}
