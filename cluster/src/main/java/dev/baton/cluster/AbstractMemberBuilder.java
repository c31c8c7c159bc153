package dev.baton.cluster;

import dev.baton.cluster.internal.Settings;
import dev.baton.process.Codec;
import dev.baton.process.internal.CodecOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The settings that {@link ClusterPool.Builder} and {@link ClusterMember.Builder} share: the
 * cluster a member joins (name, addresses, port, secret, failure detection), the rules it decodes
 * tasks under (codec, allow-list, limits), its task threads and how long it may take to start. Each
 * builder adds its own settings and says what it starts: a pool its own member in this JVM (or,
 * with {@link ClusterPool.Builder#client()}, a client, which runs no task), a member builder a
 * member in this JVM or in a JVM of its own.
 *
 * <p>Every setter returns the builder it was called on, as its own type, so that the settings of
 * both kinds chain in any order. Only this package's builders extend it.
 *
 * <p>Threading: not thread-safe, as the builders are not.
 *
 * @param <B> the builder's own type, which the setters return
 */
public abstract class AbstractMemberBuilder<B extends AbstractMemberBuilder<B>> {
  /** The values, turned into Hazelcast's configuration by the builder that starts a member. */
  final Settings settings = new Settings();

  /** The longest a member may take to start, or a pool to see its members. */
  Duration startupTimeout = Duration.ofSeconds(60);

  AbstractMemberBuilder() {}

  @SuppressWarnings("unchecked") // B is the subclass itself: only this package extends it
  private B self() {
    return (B) this;
  }

  /**
   * @param name the cluster's name (default {@code baton}); members and clients of other names stay
   *     apart
   * @return this
   */
  public B clusterName(String name) {
    settings.clusterName(name);
    return self();
  }

  /**
   * @param addresses the members to join or connect to ({@code host}, {@code host:port} or {@code
   *     host:port-port}); default {@code 127.0.0.1} from the port upward
   * @return this
   */
  public B addresses(String... addresses) {
    settings.addresses(addresses);
    return self();
  }

  /**
   * @param first the first port the member this builder starts tries (default 5701); it takes the
   *     first free one of the 100 from there
   * @return this
   */
  public B port(int first) {
    settings.port(first);
    return self();
  }

  /**
   * @param n tasks the member this builder starts runs at once, {@code >= 1} (default: available
   *     processors); other members run as many as they were started with, and a pool's client runs
   *     none
   * @return this
   */
  public B threads(int n) {
    settings.threads(n);
    return self();
  }

  /**
   * @param timeout how long a member may go without a heartbeat before the cluster declares it dead
   *     and its tasks fail or run again (default 10 s, at least 1 s)
   * @return this
   */
  public B failureDetection(Duration timeout) {
    settings.failureDetection(timeout);
    return self();
  }

  /**
   * @param timeout the longest a forked member may take to be ready ({@link
   *     ClusterMember.Builder#fork()}), or {@link ClusterPool.Builder#build()} may wait for the
   *     cluster and its members (default 60 s)
   * @return this
   * @throws IllegalArgumentException when it is not positive
   */
  public B startupTimeout(Duration timeout) {
    this.startupTimeout = CodecOptions.positive(timeout, "startupTimeout");
    return self();
  }

  /**
   * Reads the cluster's secret from a file now: its content, white space around it stripped, at
   * least 16 bytes. Every member must hold the same. The secret is never logged, and a member
   * started in a JVM of its own gets the file's path, never the secret, on its command line.
   *
   * @param file the file (make one with {@code head -c 32 /dev/urandom | base64 > secret})
   * @return this
   * @throws IllegalArgumentException when it cannot be read or is too short
   */
  public B secret(Path file) {
    settings.secretFile(file);
    return self();
  }

  /**
   * Reads the cluster's secret from an environment variable now, as {@link #secret(Path)} does; a
   * member started in a JVM of its own gets the variable's name and inherits the environment.
   *
   * @param variable the variable's name, e.g. {@code BATON_CLUSTER_SECRET}
   * @return this
   * @throws IllegalArgumentException when it is not set or too short
   */
  public B secretFromEnv(String variable) {
    settings.secretEnv(variable);
    return self();
  }

  /**
   * @param codec how arguments and results are written (default {@link Codec#COMPACT}); the member
   *     this builder starts reads this one, and every pool and member of the cluster must use the
   *     same
   * @return this
   */
  public B codec(Codec codec) {
    settings.codec(codec);
    return self();
  }

  /**
   * Adds classes that may be deserialized here, in the JDK's filter pattern syntax, as {@link
   * dev.baton.process.ProcessPool.Builder#allowClasses} does: tasks and their arguments on the
   * member this builder starts, and a pool's results in its callers. Each member decodes with its
   * own list; a list never travels and a caller's never widens a member's.
   *
   * @param patterns the patterns; a {@code !} pattern rejects
   * @return this
   */
  public B allowClasses(String... patterns) {
    settings.allowClasses(patterns);
    return self();
  }

  /**
   * @param depth the deepest object graph accepted, {@code >= 1} (default 100)
   * @param references the most references in one stream, {@code >= 1} (default 1 000 000)
   * @param bytes the largest stream, {@code >= 1024} (default 256 MiB)
   * @return this
   */
  public B deserializationLimits(int depth, long references, long bytes) {
    settings.deserializationLimits(depth, references, bytes);
    return self();
  }
}
