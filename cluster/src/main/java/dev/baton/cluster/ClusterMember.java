package dev.baton.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.baton.cluster.internal.Settings;
import dev.baton.process.Codec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Baton cluster member: a Hazelcast member that runs {@link ClusterPool} tasks, started in this
 * JVM ({@link Builder#start()}) or in a JVM of its own ({@link Builder#fork()}, or {@code java -cp
 * ... dev.baton.cluster.ClusterMember --cluster-name=NAME --address=HOST:PORT ...} on another
 * machine). A member runs {@link Builder#threads(int)} tasks at once and publishes that number and
 * its process id as member attributes; its class path must hold baton-cluster and every task's
 * classes. It decodes tasks with its own codec, allow-list and limits ({@link
 * Builder#allowClasses}; in a member JVM, the system properties {@code baton.cluster.codec}, {@code
 * baton.cluster.allowClasses} (patterns separated by {@code ;}) and {@code
 * baton.cluster.deserializationLimits} ({@code depth,references,bytes})), never with a caller's.
 * With a secret ({@link Builder#secret}; {@code --secret-file=PATH} or {@code --secret-env=NAME} in
 * a member JVM) it runs only tasks signed with it; without one it stays on 127.0.0.1. Membership:
 * TCP-IP join on the given addresses (default: {@code 127.0.0.1} from the member's port upward),
 * multicast off, the port taken from the given one upward (auto-increment).
 *
 * <p>Threading: {@link #close()} may be called from any thread.
 */
public final class ClusterMember implements AutoCloseable {
  private static final AtomicInteger SEQ = new AtomicInteger();

  private final HazelcastInstance hazelcast;

  private ClusterMember(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /**
   * @return a builder with the defaults: cluster {@code baton}, port 5701 upward, one thread per
   *     available processor, a 10 s failure-detection timeout
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * @return this member's address, {@code host:port}
   */
  public String address() {
    return address(hazelcast.getCluster().getLocalMember());
  }

  /**
   * @return its Hazelcast instance's name, which its task threads' names contain
   */
  public String instanceName() {
    return hazelcast.getName();
  }

  /**
   * @return this member's Hazelcast UUID
   */
  public UUID uuid() {
    return hazelcast.getCluster().getLocalMember().getUuid();
  }

  /**
   * @return how many members the cluster has, as this member sees it
   */
  public int clusterSize() {
    return hazelcast.getCluster().getMembers().size();
  }

  /** Leaves the cluster gracefully; tasks it was running fail in their callers. */
  @Override
  public void close() {
    hazelcast.shutdown();
  }

  /**
   * The options a member JVM needs on JDK 17 and newer: the packages Hazelcast reaches into
   * (without them it warns and runs slower), and, on JDK 24 and newer, its {@code sun.misc.Unsafe}
   * memory access (without it the JVM warns).
   *
   * @return the options, for a member's command line or a test's
   */
  public static List<String> jvmOptions() {
    List<String> options = new ArrayList<>();
    options.add("--add-modules");
    options.add("java.se");
    options.add("--add-exports");
    options.add("java.base/jdk.internal.ref=ALL-UNNAMED");
    for (String open :
        List.of(
            "java.base/java.lang",
            "java.base/sun.nio.ch",
            "java.management/sun.management",
            "jdk.management/com.sun.management.internal")) {
      options.add("--add-opens");
      options.add(open + "=ALL-UNNAMED");
    }
    if (Runtime.version().feature() >= 24) {
      options.add("--sun-misc-unsafe-memory-access=allow");
    }
    return options;
  }

  /**
   * A member JVM's main: starts a member with the settings in {@code args} ({@code
   * --cluster-name=}, {@code --address=} (repeatable), {@code --port=}, {@code --threads=}, {@code
   * --failure-detection-ms=}, {@code --secret-file=}, {@code --secret-env=}) and the system
   * properties of its rules (see the class comment), writes {@code ready HOST:PORT UUID} as the one
   * line of its standard output, and runs until its standard input ends (the JVM that forked it
   * exited) or it is killed.
   *
   * @param args the settings
   * @throws IOException when standard input fails
   */
  public static void main(String[] args) throws IOException {
    PrintStream protocol = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err); // standard output carries the ready line only
    Settings settings = Settings.parse(args);
    settings.readSystemProperties();
    settings.checkExposure("member");
    HazelcastInstance hz =
        Hazelcast.newHazelcastInstance(
            settings.memberConfig(
                "baton-member-" + ProcessHandle.current().pid(),
                settings.memberRules(ClusterMember.class)));
    Member local = hz.getCluster().getLocalMember();
    protocol.println("ready " + address(local) + " " + local.getUuid());
    while (System.in.read() >= 0) {
      // the forking JVM holds our standard input open while it lives
    }
    hz.getLifecycleService().terminate();
    System.exit(0);
  }

  static String address(Member m) {
    return m.getAddress().getHost() + ":" + m.getAddress().getPort();
  }

  /**
   * Configures and starts a {@link ClusterMember} or a {@link ForkedMember}. Not thread-safe; each
   * {@code start()} or {@code fork()} starts a new member.
   */
  public static final class Builder {
    private final Settings settings = new Settings();
    private String classPath = System.getProperty("java.class.path");
    private final List<String> jvmOptions = new ArrayList<>();
    private Duration startupTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * @param name the cluster's name (default {@code baton}); members of other names stay apart
     * @return this
     */
    public Builder clusterName(String name) {
      settings.clusterName(name);
      return this;
    }

    /**
     * @param addresses where other members may be ({@code host}, {@code host:port}, {@code
     *     host:port-port}); default {@code 127.0.0.1} from the member's port upward
     * @return this
     */
    public Builder addresses(String... addresses) {
      settings.addresses(addresses);
      return this;
    }

    /**
     * @param first the first port tried (default 5701); the member takes the first free one of the
     *     100 from there
     * @return this
     */
    public Builder port(int first) {
      settings.port(first);
      return this;
    }

    /**
     * @param n tasks the member runs at once, {@code >= 1} (default: available processors)
     * @return this
     */
    public Builder threads(int n) {
      settings.threads(n);
      return this;
    }

    /**
     * @param timeout how long a member may go without a heartbeat before the cluster declares it
     *     dead and its tasks fail or run again (default 10 s; at least 1 s)
     * @return this
     */
    public Builder failureDetection(Duration timeout) {
      settings.failureDetection(timeout);
      return this;
    }

    /**
     * Reads the cluster's secret from a file now, as {@link ClusterPool.Builder#secret(Path)} does;
     * a forked member is given the file's path.
     *
     * @param file the file
     * @return this
     */
    public Builder secret(Path file) {
      settings.secretFile(file);
      return this;
    }

    /**
     * Reads the cluster's secret from an environment variable now; a forked member is given the
     * variable's name and inherits the environment.
     *
     * @param variable the variable's name
     * @return this
     */
    public Builder secretFromEnv(String variable) {
      settings.secretEnv(variable);
      return this;
    }

    /**
     * @param codec the codec this member reads and writes values in (the pools that use it must
     *     write the same)
     * @return this
     */
    public Builder codec(Codec codec) {
      settings.codec(codec);
      return this;
    }

    /**
     * Adds classes this member may deserialize in tasks and their arguments, in the JDK's filter
     * pattern syntax; a caller's list never widens it.
     *
     * @param patterns the patterns; a {@code !} pattern rejects
     * @return this
     */
    public Builder allowClasses(String... patterns) {
      settings.allowClasses(patterns);
      return this;
    }

    /**
     * @param depth the deepest object graph this member accepts, {@code >= 1} (default 100)
     * @param references the most references in one stream (default 1 000 000)
     * @param bytes the largest stream, {@code >= 1024} (default 256 MiB)
     * @return this
     */
    public Builder deserializationLimits(int depth, long references, long bytes) {
      settings.deserializationLimits(depth, references, bytes);
      return this;
    }

    /**
     * @param path a forked member's class path (default: this JVM's)
     * @return this
     */
    public Builder classPath(String path) {
      this.classPath = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * @param options JVM options for a forked member, after {@link ClusterMember#jvmOptions()}
     * @return this
     */
    public Builder jvmOptions(String... options) {
      for (String o : options) {
        jvmOptions.add(Objects.requireNonNull(o, "option"));
      }
      return this;
    }

    /**
     * @param timeout the longest a forked member may take to be ready (default 60 s)
     * @return this
     */
    public Builder startupTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("startupTimeout must be positive, was " + timeout);
      }
      this.startupTimeout = timeout;
      return this;
    }

    /**
     * Starts a member in this JVM and waits until it has joined (or formed) the cluster.
     *
     * @return the member
     */
    public ClusterMember start() {
      settings.checkExposure("member");
      return new ClusterMember(
          Hazelcast.newHazelcastInstance(
              settings.memberConfig(
                  "baton-member-" + SEQ.incrementAndGet(),
                  settings.memberRules(ClusterMember.class))));
    }

    /**
     * Starts a member in a JVM of its own (this JVM's {@code java}, the class path, {@link
     * ClusterMember#jvmOptions()} and the given options) and waits until it is ready. The member
     * exits when this JVM does.
     *
     * @return the running member
     * @throws dev.baton.process.WorkerStartException when it exits or is not ready within the
     *     start-up timeout
     * @throws InterruptedException when interrupted while waiting (the member is killed)
     */
    public ForkedMember fork() throws InterruptedException {
      settings.checkExposure("member");
      List<String> command = new ArrayList<>();
      command.add(
          ProcessHandle.current()
              .info()
              .command()
              .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
      command.addAll(ClusterMember.jvmOptions());
      System.getProperties()
          .stringPropertyNames()
          .forEach(
              key -> {
                if (key.startsWith("org.slf4j.simpleLogger.")) {
                  command.add("-D" + key + "=" + System.getProperty(key));
                }
              });
      command.addAll(settings.systemProperties());
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classPath);
      command.add(ClusterMember.class.getName());
      command.addAll(settings.arguments());
      return ForkedMember.start(command, startupTimeout);
    }
  }
}
