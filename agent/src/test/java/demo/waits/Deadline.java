package demo.waits;

import java.time.Duration;
import java.util.Map;

/**
 * Outside the included package: ends the child JVM with a thread dump when a case has not finished
 * in time, since a JVM whose GIL holder is blocked for ever would not end on its own.
 */
public final class Deadline {
  private static volatile String current = "start";

  private Deadline() {}

  /** Starts the watch; each case names itself with {@link #begin(String)}. */
  public static void start(Duration perCase) {
    Thread watch =
        new Thread(
            () -> {
              String seen = null;
              while (true) {
                try {
                  Thread.sleep(perCase.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
                String now = current;
                if (now.equals(seen)) {
                  System.out.println("TIMEOUT " + now);
                  for (Map.Entry<Thread, StackTraceElement[]> e :
                      Thread.getAllStackTraces().entrySet()) {
                    System.out.println(e.getKey());
                    for (StackTraceElement f : e.getValue()) {
                      System.out.println("    at " + f);
                    }
                  }
                  System.out.flush();
                  Runtime.getRuntime().halt(3);
                }
                seen = now;
              }
            },
            "deadline");
    watch.setDaemon(true);
    watch.start();
  }

  /** Names the case now running. */
  public static void begin(String name) {
    current = name;
  }
}
