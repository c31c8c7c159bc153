package dev.baton.cluster.internal;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a Baton member or client is configured, shared by the builders of {@code ClusterPool} and
 * {@code ClusterMember}, and turned into Hazelcast's configuration here only. Mutable, confined to
 * the builder that owns it.
 */
public final class Settings {
  /** The executor every Baton member runs tasks on. */
  public static final String EXECUTOR = "baton-pool";

  /** Member attribute: how many tasks the member runs at once (its executor's threads). */
  public static final String SLOTS = "baton.slots";

  /** Member attribute: the member JVM's process id. */
  public static final String PID = "baton.pid";

  private String clusterName = "baton";
  private final List<String> addresses = new ArrayList<>();
  private int port = 5701;
  private int threads = Runtime.getRuntime().availableProcessors();
  private Duration failureDetection = Duration.ofSeconds(10);

  /**
   * @param name the cluster's name; members and clients of other names are not let in
   */
  public void clusterName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("clusterName must be a non-blank string");
    }
    this.clusterName = name;
  }

  /**
   * @param list addresses ({@code host}, {@code host:port} or {@code host:port-port})
   */
  public void addresses(String... list) {
    for (String a : list) {
      if (a == null || a.isBlank()) {
        throw new IllegalArgumentException(
            "addresses must be host, host:port or host:port-port, got " + a);
      }
      addresses.add(a.strip());
    }
  }

  /**
   * @param first the first port a member tries; it takes the next free one after it
   */
  public void port(int first) {
    if (first < 1 || first > 65535 - 100) {
      throw new IllegalArgumentException("port must be between 1 and 65435, was " + first);
    }
    this.port = first;
  }

  /**
   * @param n tasks a member runs at once
   */
  public void threads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threadsPerMember must be >= 1, was " + n);
    }
    this.threads = n;
  }

  /**
   * @param timeout how long without a heartbeat before a member is declared dead
   */
  public void failureDetection(Duration timeout) {
    Objects.requireNonNull(timeout, "failureDetection");
    if (timeout.toMillis() < 1000) {
      throw new IllegalArgumentException(
          "failureDetection must be at least 1 s (heartbeats are sent every second), was "
              + timeout);
    }
    this.failureDetection = timeout;
  }

  /**
   * @return the cluster's name
   */
  public String clusterName() {
    return clusterName;
  }

  /**
   * @return the addresses to join, each {@code host} or {@code host:port} ({@code host:a-b} given
   *     is expanded to every port from a to b), or {@code 127.0.0.1} with the first ten ports from
   *     the member's when none were given
   */
  public List<String> joinAddresses() {
    List<String> given =
        addresses.isEmpty() ? List.of("127.0.0.1:" + port + "-" + (port + 9)) : addresses;
    List<String> out = new ArrayList<>();
    for (String a : given) {
      int colon = a.lastIndexOf(':');
      int dash = colon < 0 ? -1 : a.indexOf('-', colon);
      if (dash < 0) {
        out.add(a);
        continue;
      }
      String host = a.substring(0, colon);
      int from;
      int to;
      try {
        from = Integer.parseInt(a.substring(colon + 1, dash));
        to = Integer.parseInt(a.substring(dash + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("address " + a + " is not host:port-port", e);
      }
      if (from < 1 || to > 65535 || to < from || to - from >= 100) {
        throw new IllegalArgumentException(
            "address " + a + " needs 1 <= first <= last <= 65535 and at most 100 ports");
      }
      for (int p = from; p <= to; p++) {
        out.add(host + ":" + p);
      }
    }
    return out;
  }

  /** Whether every address to join is this machine's loopback: the member then binds to it only. */
  private boolean loopbackOnly() {
    for (String a : joinAddresses()) {
      String host = a.contains(":") ? a.substring(0, a.lastIndexOf(':')) : a;
      if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
        return false;
      }
    }
    return true;
  }

  /**
   * @return the first port
   */
  public int port() {
    return port;
  }

  /**
   * @return tasks a member runs at once
   */
  public int threads() {
    return threads;
  }

  /**
   * @return the failure-detection timeout
   */
  public Duration failureDetection() {
    return failureDetection;
  }

  /**
   * @return the arguments that make {@code ClusterMember.main} configure a member like this one
   */
  public List<String> arguments() {
    List<String> args = new ArrayList<>();
    args.add("--cluster-name=" + clusterName);
    args.add("--port=" + port);
    args.add("--threads=" + threads);
    args.add("--failure-detection-ms=" + failureDetection.toMillis());
    for (String a : addresses) {
      args.add("--address=" + a);
    }
    return args;
  }

  /**
   * Reads what {@link #arguments()} wrote.
   *
   * @param args the arguments
   * @return the settings
   * @throws IllegalArgumentException naming an argument it does not know
   */
  public static Settings parse(String... args) {
    Settings s = new Settings();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String key = eq < 0 ? arg : arg.substring(0, eq);
      String value = eq < 0 ? "" : arg.substring(eq + 1);
      switch (key) {
        case "--cluster-name" -> s.clusterName(value);
        case "--port" -> s.port(Integer.parseInt(value));
        case "--threads" -> s.threads(Integer.parseInt(value));
        case "--failure-detection-ms" ->
            s.failureDetection(Duration.ofMillis(Long.parseLong(value)));
        case "--address" -> s.addresses(value);
        default ->
            throw new IllegalArgumentException(
                "unknown argument '"
                    + arg
                    + "'; ClusterMember takes --cluster-name=, --port=, --threads=,"
                    + " --failure-detection-ms= and --address=");
      }
    }
    return s;
  }

  /**
   * A member's configuration: TCP-IP join on {@link #joinAddresses()} with multicast off, the port
   * with auto-increment, the Baton executor and its attributes, SLF4J logging, no phone-home, and
   * heartbeats every second with the failure-detection timeout.
   *
   * @param instanceName the Hazelcast instance's name
   * @return the configuration
   */
  public Config memberConfig(String instanceName) {
    Config config = new Config(instanceName);
    config.setClusterName(clusterName);
    common(config.getProperties());
    long seconds = Math.max(1, failureDetection.toSeconds());
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Long.toString(seconds));
    config.setProperty("hazelcast.heartbeat.failuredetector.type", "deadline");
    // a lone first member need not wait 5 s for others before it becomes the master
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(100);
    if (loopbackOnly()) {
      // a cluster of this machine listens on 127.0.0.1 only, never on every interface
      config.setProperty("hazelcast.socket.bind.any", "false");
      network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(joinAddresses()));
    config.addExecutorConfig(new ExecutorConfig(EXECUTOR, threads).setQueueCapacity(0));
    config
        .getMemberAttributeConfig()
        .setAttribute(SLOTS, Integer.toString(threads))
        .setAttribute(PID, Long.toString(ProcessHandle.current().pid()));
    return config;
  }

  /**
   * A client's configuration: connects to {@link #joinAddresses()}, gives up after {@code
   * connectTimeout}, and declares a member dead after the failure-detection timeout.
   *
   * @param instanceName the client's name
   * @param connectTimeout the longest to try to reach the cluster
   * @return the configuration
   */
  public ClientConfig clientConfig(String instanceName, Duration connectTimeout) {
    ClientConfig config = new ClientConfig();
    config.setInstanceName(instanceName);
    config.setClusterName(clusterName);
    common(config.getProperties());
    config.setProperty("hazelcast.client.heartbeat.interval", "1000");
    config.setProperty(
        "hazelcast.client.heartbeat.timeout", Long.toString(failureDetection.toMillis()));
    config.getNetworkConfig().setAddresses(new ArrayList<>(joinAddresses()));
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(connectTimeout.toMillis());
    return config;
  }

  /**
   * Makes Hazelcast log through SLF4J from its first line on, unless this JVM chose otherwise: the
   * instance's own property covers its logs, but Hazelcast logs before it reads its configuration
   * only by the system property.
   */
  public static void logThroughSlf4j() {
    System.getProperties().putIfAbsent("hazelcast.logging.type", "slf4j");
  }

  private static void common(java.util.Properties properties) {
    logThroughSlf4j();
    properties.setProperty("hazelcast.logging.type", "slf4j");
    properties.setProperty("hazelcast.phone.home.enabled", "false");
  }
}
