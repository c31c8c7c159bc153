package dev.baton.cluster;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** What the cluster tests share: a cluster of their own on 127.0.0.1, apart from any other. */
final class Clusters {
  /** Short, so a killed member is declared dead within seconds; heartbeats come every second. */
  static final Duration FAILURE_DETECTION = Duration.ofSeconds(4);

  /** Bounds every wait of the tests: generous, the machine may be loaded. */
  static final Duration WAIT = Duration.ofSeconds(90);

  private Clusters() {}

  /**
   * @return a first port from a random base: members of one test class take the ports after it
   */
  static int randomPort() {
    return 20_000 + 100 * ThreadLocalRandom.current().nextInt(300);
  }

  /**
   * @param what the test class
   * @return a cluster name no other run on this machine uses
   */
  static String uniqueName(String what) {
    return what + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
  }

  /**
   * @param port the first port
   * @return the join addresses of a test cluster: 127.0.0.1 from {@code port}, ten ports
   */
  static String addresses(int port) {
    return "127.0.0.1:" + port + "-" + (port + 9);
  }
}
