package dev.baton.process.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every live child process this JVM started for Baton, worker JVMs of a process pool and forked
 * cluster members alike, destroyed by one shutdown hook so that none outlives its parent (they
 * would also exit on their own when their stdin closes). A process is registered when it starts and
 * leaves the registry when it exits, whoever notices first.
 *
 * <p>Threading: {@link #register} may be called from any thread.
 */
public final class ChildProcesses {
  /** Live children; added by {@link #register}, removed on exit, read by the hook. */
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (Process p : LIVE) {
                    p.destroyForcibly();
                  }
                },
                "baton-child-processes"));
  }

  private ChildProcesses() {}

  /**
   * Keeps a process to be destroyed when this JVM exits, until it exits itself.
   *
   * @param process a child process just started
   */
  public static void register(Process process) {
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
  }
}
