package dev.baton.cluster.internal;

import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.client.properties.ClientProperty;
import com.hazelcast.config.ClassFilter;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JavaSerializationFilterConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SerializationConfig;
import com.hazelcast.spi.properties.ClusterProperty;
import dev.baton.process.Codec;
import dev.baton.process.internal.CodecOptions;
import dev.baton.process.internal.ValueCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How a Baton member or client is configured, held by {@code AbstractMemberBuilder} for the
 * builders of {@code ClusterPool} and {@code ClusterMember}, and turned into Hazelcast's
 * configuration here only: the network, the member's own rules (codec, allow-list, limits: what it
 * decodes, never taken from a task) and the cluster's secret (kept as bytes, never logged, passed
 * to a forked member as the file or variable it came from, never on a command line). Mutable,
 * confined to the builder that owns it.
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
  private final CodecOptions values = new CodecOptions();
  private final List<String> allowed = new ArrayList<>();
  private String limits;

  /** The secret's bytes, or null; never logged. */
  private byte[] secret;

  /** Where the secret came from, as a forked member's argument ({@code --secret-file=...}). */
  private String secretSource;

  /** System property: a forked member's extra allow-list patterns, separated by {@code ;}. */
  public static final String ALLOW_PROPERTY = "baton.cluster.allowClasses";

  /** System property: a forked member's codec. */
  public static final String CODEC_PROPERTY = "baton.cluster.codec";

  /** System property: a forked member's limits, {@code depth,references,bytes}. */
  public static final String LIMITS_PROPERTY = "baton.cluster.deserializationLimits";

  /**
   * @param codec the codec values are written in
   */
  public void codec(Codec codec) {
    values.codec(codec);
  }

  /**
   * @param patterns class patterns this side may decode, before the defaults
   */
  public void allowClasses(String... patterns) {
    values.allowClasses(patterns);
    allowed.addAll(Arrays.asList(patterns));
  }

  /**
   * @param depth deepest graph
   * @param references most references
   * @param bytes largest stream
   */
  public void deserializationLimits(int depth, long references, long bytes) {
    values.deserializationLimits(depth, references, bytes);
    limits = depth + "," + references + "," + bytes;
  }

  /**
   * @return the codec options
   */
  public CodecOptions values() {
    return values;
  }

  /**
   * Reads the secret from a file now (its whole content, surrounding white space stripped).
   *
   * @param file the file
   * @throws IllegalArgumentException when it cannot be read or is shorter than 16 bytes
   */
  public void secretFile(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the cluster secret file " + file + ": " + e);
    }
    setSecret(new String(bytes, StandardCharsets.UTF_8).strip(), "file " + file);
    secretSource = "--secret-file=" + file.toAbsolutePath();
  }

  /**
   * Reads the secret from an environment variable now.
   *
   * @param variable the variable's name
   * @throws IllegalArgumentException when it is not set or is shorter than 16 bytes
   */
  public void secretEnv(String variable) {
    Objects.requireNonNull(variable, "variable");
    String value = System.getenv(variable);
    if (value == null) {
      throw new IllegalArgumentException(
          "the environment variable "
              + variable
              + " that should hold the cluster secret is not set");
    }
    setSecret(value.strip(), "environment variable " + variable);
    secretSource = "--secret-env=" + variable;
  }

  private void setSecret(String text, String where) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < 16) {
      throw new IllegalArgumentException(
          "the cluster secret in "
              + where
              + " has "
              + bytes.length
              + " bytes, fewer than 16; make one with: head -c 32 /dev/urandom | base64");
    }
    secret = bytes;
  }

  /**
   * @return the cluster's keys, or null without a secret
   */
  public ClusterKeys keys() {
    return secret == null ? null : new ClusterKeys(secret, clusterName);
  }

  /**
   * @return whether a secret was set
   */
  public boolean hasSecret() {
    return secret != null;
  }

  /**
   * @param pool the pool class, whose loader serves when the thread has no context loader
   * @return this side's codec, allow-list and limits
   */
  public ValueCodec valueCodec(Class<?> pool) {
    return values.valueCodec(values.policy(), pool);
  }

  /**
   * Refuses to leave the loopback interface without a secret.
   *
   * @param who the pool or member, for the message
   * @throws IllegalStateException when an address is not this machine's loopback and no secret is
   *     set
   */
  public void checkExposure(String who) {
    if (secret == null && !loopbackOnly()) {
      throw new IllegalStateException(
          who
              + " was given addresses "
              + joinAddresses()
              + " beyond 127.0.0.1 but no cluster secret: anyone who can reach those addresses"
              + " could run code on the members. Set the same secret on the pool and on every"
              + " member: .secret(Path.of(\"secret\")) or .secretFromEnv(\"BATON_CLUSTER_SECRET\")"
              + " (ClusterMember: --secret-file=PATH or --secret-env=NAME); make one with: head -c"
              + " 32 /dev/urandom | base64 > secret");
    }
  }

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
      throw new IllegalArgumentException("threads must be >= 1, was " + n);
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

  /**
   * @return whether every address to join is this machine's loopback: a member then binds to it
   *     only
   */
  public boolean loopbackOnly() {
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
    if (secretSource != null) {
      args.add(secretSource);
    }
    return args;
  }

  /**
   * @return the {@code -D} options that give a forked member this side's codec, allow-list and
   *     limits
   */
  public List<String> systemProperties() {
    List<String> props = new ArrayList<>();
    props.add("-D" + CODEC_PROPERTY + "=" + values.codec().name());
    if (!allowed.isEmpty()) {
      // patterns hold no ';' (CodecOptions refuses it), so it separates them
      props.add("-D" + ALLOW_PROPERTY + "=" + String.join(";", allowed));
    }
    if (limits != null) {
      props.add("-D" + LIMITS_PROPERTY + "=" + limits);
    }
    return props;
  }

  /**
   * Reads what {@link #systemProperties()} set, in a member JVM.
   *
   * @throws IllegalArgumentException when one is malformed
   */
  public void readSystemProperties() {
    String codec = System.getProperty(CODEC_PROPERTY);
    if (codec != null) {
      codec(Codec.valueOf(codec.strip()));
    }
    String allow = System.getProperty(ALLOW_PROPERTY);
    if (allow != null && !allow.isBlank()) {
      for (String p : allow.split(";")) {
        allowClasses(p.strip());
      }
    }
    String l = System.getProperty(LIMITS_PROPERTY);
    if (l != null) {
      String[] parts = l.split(",");
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            LIMITS_PROPERTY + " must be depth,references,bytes; was " + l);
      }
      deserializationLimits(
          Integer.parseInt(parts[0].strip()),
          Long.parseLong(parts[1].strip()),
          Long.parseLong(parts[2].strip()));
    }
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
        case "--secret-file" -> s.secretFile(Path.of(value));
        case "--secret-env" -> s.secretEnv(value);
        default ->
            throw new IllegalArgumentException(
                "unknown argument '"
                    + arg
                    + "'; ClusterMember takes --cluster-name=, --port=, --threads=,"
                    + " --failure-detection-ms=, --address=, --secret-file= and --secret-env=");
      }
    }
    return s;
  }

  /**
   * A member's configuration: TCP-IP join on {@link #joinAddresses()} with multicast off, the port
   * with auto-increment, the Baton executor and its attributes, SLF4J logging, no phone-home, and
   * heartbeats every second with the failure-detection timeout.
   *
   * <p>Its doors: the member's {@link MemberRules} in the user context, for {@link MemberTask};
   * Baton's task type made by its factory; Java deserialization closed to every class outside
   * Hazelcast and the JDK; and a managed context ({@link TaskGate}) that lets no executor run any
   * task but Baton's.
   *
   * @param instanceName the Hazelcast instance's name
   * @param rules the member's rules
   * @return the configuration
   */
  public Config memberConfig(String instanceName, MemberRules rules) {
    Config config = new Config(instanceName);
    config.setClusterName(clusterName);
    common(config.getProperties());
    serialization(config.getSerializationConfig());
    config.setManagedContext(new TaskGate());
    config.getUserContext().put(MemberRules.KEY, rules);
    long seconds = Math.max(1, failureDetection.toSeconds());
    config.setProperty(ClusterProperty.HEARTBEAT_INTERVAL_SECONDS.getName(), "1");
    config.setProperty(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS.getName(), Long.toString(seconds));
    config.setProperty(ClusterProperty.HEARTBEAT_FAILURE_DETECTOR_TYPE.getName(), "deadline");
    // a lone first member need not wait 5 s for others before it becomes the master
    config.setProperty(ClusterProperty.WAIT_SECONDS_BEFORE_JOIN.getName(), "0");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(100);
    if (loopbackOnly()) {
      // a cluster of this machine listens on 127.0.0.1 only, never on every interface
      config.setProperty(ClusterProperty.SOCKET_BIND_ANY.getName(), "false");
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
   * @param pool the class whose loader resolves task classes when the thread has none
   * @return the rules of a member configured by these settings
   */
  public MemberRules memberRules(Class<?> pool) {
    return new MemberRules(values.codec(), valueCodec(pool), keys());
  }

  private static void serialization(SerializationConfig config) {
    config.addDataSerializableFactory(MemberTask.FACTORY_ID, MemberTask.FACTORY);
    // Hazelcast's own Java deserialization (of what a raw client or member sends) resolves only
    // Hazelcast's and the JDK's classes, after Hazelcast's default list of known gadgets
    config.setJavaSerializationFilterConfig(
        new JavaSerializationFilterConfig()
            .setWhitelist(new ClassFilter().addPrefixes("com.hazelcast.", "java.")));
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
    serialization(config.getSerializationConfig());
    config.setProperty(ClientProperty.HEARTBEAT_INTERVAL.getName(), "1000");
    config.setProperty(
        ClientProperty.HEARTBEAT_TIMEOUT.getName(), Long.toString(failureDetection.toMillis()));
    config.getNetworkConfig().setAddresses(new ArrayList<>(joinAddresses()));
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(connectTimeout.toMillis());
    return config;
  }

  /**
   * Makes Hazelcast log through SLF4J, one level down ({@link HazelcastLogging}), from its first
   * line on, unless this JVM chose its logging: Hazelcast logs before it reads its configuration,
   * by the system properties only.
   */
  public static void logThroughSlf4j() {
    if (System.getProperty(LOGGING_TYPE) == null) {
      System.getProperties().putIfAbsent(LOGGING_CLASS, HazelcastLogging.class.getName());
    }
  }

  private static final String LOGGING_TYPE = "hazelcast.logging.type";
  private static final String LOGGING_CLASS = "hazelcast.logging.class";

  /** Set once per JVM, on the first configuration made; see {@link #asyncCallbacks()}. */
  private static final java.util.concurrent.atomic.AtomicBoolean ASYNC_SET =
      new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * Gives Hazelcast's asynchronous callbacks a pool of threads where it would start a thread per
   * callback: Hazelcast uses the common fork-join pool only when its parallelism is above 1, and
   * otherwise (a machine of 2 cores or fewer) starts a new thread for every callback, some hundred
   * microseconds per task. The pool's threads are daemons and end after a minute idle.
   */
  private static void asyncCallbacks() {
    if (java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() > 1
        || !ASYNC_SET.compareAndSet(false, true)) {
      return;
    }
    java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();
    com.hazelcast.internal.util.ConcurrencyUtil.setDefaultAsyncExecutor(
        java.util.concurrent.Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "baton-cluster-hazelcast-async-" + seq.incrementAndGet());
              t.setDaemon(true);
              return t;
            }));
  }

  private static void common(java.util.Properties properties) {
    logThroughSlf4j();
    asyncCallbacks();
    if (System.getProperty(LOGGING_CLASS) == null) {
      properties.setProperty(ClusterProperty.LOGGING_TYPE.getName(), "slf4j");
    }
    properties.setProperty(ClusterProperty.PHONE_HOME_ENABLED.getName(), "false");
  }
}
