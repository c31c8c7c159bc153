package dev.baton.process.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every live worker process of this JVM, destroyed by one shutdown hook so that no worker outlives
 * its parent (they would also exit on their own when their stdin closes).
 */
final class WorkerRegistry {
  /** Live workers; added by starters, removed by readers after exit, read by the hook. */
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
                "baton-process-pool-shutdown"));
  }

  private WorkerRegistry() {}

  static void add(Process process) {
    LIVE.add(process);
  }

  static void remove(Process process) {
    LIVE.remove(process);
  }
}
