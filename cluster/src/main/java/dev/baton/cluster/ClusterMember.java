package dev.baton.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.baton.cluster.internal.Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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
   * Configures and starts a {@link ClusterMember} or a {@link ForkedMember}: the member's settings
   * are those of {@link AbstractMemberBuilder}, a forked member's JVM is configured here. Not
   * thread-safe; each {@code start()} or {@code fork()} starts a new member.
   */
  public static final class Builder extends AbstractMemberBuilder<Builder> {
    private String classPath = System.getProperty("java.class.path");
    private final List<String> jvmOptions = new ArrayList<>();

    private Builder() {}

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
