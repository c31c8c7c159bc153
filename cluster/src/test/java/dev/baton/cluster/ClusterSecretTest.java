package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.baton.cluster.internal.ClusterKeys;
import dev.baton.cluster.internal.MemberRules;
import dev.baton.cluster.internal.MemberTask;
import dev.baton.cluster.internal.Settings;
import dev.baton.process.Codec;
import dev.baton.process.internal.Payloads;
import dev.baton.process.internal.TaskBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A cluster with a secret: members that know the cluster's name but not its secret, in JVMs of
 * their own, join it and receive no task; a member that holds the secret does; an answer without
 * the cluster's tag is never decoded and its member is lost; without a secret a pool refuses to
 * leave 127.0.0.1.
 */
class ClusterSecretTest {
  private static Path secret;
  private static Path otherSecret;

  @BeforeAll
  static void writeSecrets() throws IOException {
    secret = Files.createTempFile("baton-secret", ".txt");
    otherSecret = Files.createTempFile("baton-other-secret", ".txt");
    Files.writeString(secret, "c2VjcmV0IG9mIHRoZSBjbHVzdGVyIHRlc3Qgb25lIQ==\n");
    Files.writeString(otherSecret, "YW5vdGhlciBzZWNyZXQsIG5vdCB0aGUgY2x1c3RlcidzIQ==\n");
  }

  @AfterAll
  static void deleteSecrets() throws IOException {
    Files.deleteIfExists(secret);
    Files.deleteIfExists(otherSecret);
  }

  private static ClusterMember.Builder member(String cluster, int port) {
    return ClusterMember.builder()
        .clusterName(cluster)
        .port(port)
        .addresses(Clusters.addresses(port))
        .threads(2)
        .failureDetection(Clusters.FAILURE_DETECTION)
        .jvmOptions("-XX:+UseSerialGC", "-Xmx128m");
  }

  @Test
  void strangersThatKnowTheNameReceiveNoTaskAndAMemberWithTheSecretDoes() throws Exception {
    String cluster = Clusters.uniqueName("secret-test");
    int port = Clusters.randomPort();
    try (ClusterPool pool =
            ClusterPool.builder()
                .name("secret")
                .clusterName(cluster)
                .port(port)
                .addresses(Clusters.addresses(port))
                .secret(secret)
                .threads(2)
                .failureDetection(Clusters.FAILURE_DETECTION)
                .build();
        Forked strangers =
            new Forked(member(cluster, port), member(cluster, port).secret(otherSecret))) {
      ForkedMember noSecret = strangers.first();
      ForkedMember wrongSecret = strangers.second();
      List<Long> pids =
          pool.map(x -> ProcessHandle.current().pid(), IntStream.range(0, 40).boxed().toList(), 1);
      assertThat(pids)
          .as("no task reached pid %d or %d", noSecret.pid(), wrongSecret.pid())
          .containsOnly(ProcessHandle.current().pid());
      assertThat(pool.memberCount()).isEqualTo(1);

      try (ForkedMember trusted = member(cluster, port).secret(secret).fork()) {
        Awaitility.await().atMost(Clusters.WAIT).until(() -> pool.memberCount() == 2);
        List<Long> ran =
            pool.map(ClusterSecretTest::slowPid, IntStream.range(0, 40).boxed().toList(), 1);
        assertThat(ran).contains(trusted.pid()).doesNotContain(noSecret.pid(), wrongSecret.pid());
      }
    }
  }

  /** Two member JVMs forked at once (a JVM's start is most of this test's time). */
  private static final class Forked implements AutoCloseable {
    private final java.util.concurrent.CompletableFuture<ForkedMember> first;
    private final java.util.concurrent.CompletableFuture<ForkedMember> second;

    Forked(ClusterMember.Builder a, ClusterMember.Builder b) {
      first = java.util.concurrent.CompletableFuture.supplyAsync(() -> fork(a), Forked::start);
      second = java.util.concurrent.CompletableFuture.supplyAsync(() -> fork(b), Forked::start);
    }

    private static void start(Runnable r) {
      new Thread(r, "fork-stranger").start();
    }

    private static ForkedMember fork(ClusterMember.Builder b) {
      try {
        return b.fork();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    ForkedMember first() throws Exception {
      return first.get(Clusters.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    ForkedMember second() throws Exception {
      return second.get(Clusters.WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      for (java.util.concurrent.CompletableFuture<ForkedMember> f : List.of(first, second)) {
        try {
          f.get(Clusters.WAIT.toSeconds(), TimeUnit.SECONDS).close();
        } catch (Exception e) {
          // not started: nothing to close
        }
      }
    }
  }

  static long slowPid(Integer x) throws InterruptedException {
    Thread.sleep(20);
    return ProcessHandle.current().pid();
  }

  @Test
  void anAnswerWithoutTheClustersTagIsRefusedAndItsMemberLost() throws Exception {
    String cluster = Clusters.uniqueName("forged-test");
    int port = Clusters.randomPort();
    Settings settings = new Settings();
    settings.clusterName(cluster);
    settings.port(port);
    settings.addresses(Clusters.addresses(port));
    settings.failureDetection(Clusters.FAILURE_DETECTION);
    settings.secretFile(secret);
    // proves it holds the secret and checks tasks with it, but signs its answers with another key
    ClusterKeys forgedAnswers =
        ClusterKeys.answeringWith(
            settings.keys(),
            new ClusterKeys(
                Files.readString(otherSecret).getBytes(StandardCharsets.UTF_8), cluster));
    HazelcastInstance forger =
        Hazelcast.newHazelcastInstance(
            settings.memberConfig(
                "forger",
                new MemberRules(
                    Codec.COMPACT, settings.valueCodec(ClusterSecretTest.class), forgedAnswers)));
    try (ClusterPool pool =
        ClusterPool.builder()
            .name("forged")
            .clusterName(cluster)
            .addresses(Clusters.addresses(port))
            .secret(secret)
            .client()
            .build()) {
      assertThat(pool.memberCount()).isEqualTo(1);
      assertThatThrownBy(
              () -> pool.submit(() -> 42).get(Clusters.WAIT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(MemberLostException.class)
          .hasMessageContaining("without this cluster's tag");
      assertThat(pool.memberCount()).isZero();
    } finally {
      forger.shutdown();
    }
  }

  @Test
  void aMemberRefusesAnUnsignedOrWronglySignedTaskBeforeDecodingAnything() throws Exception {
    String cluster = Clusters.uniqueName("unsigned-test");
    int port = Clusters.randomPort();
    Settings settings = new Settings();
    settings.clusterName(cluster);
    settings.port(port);
    settings.addresses(Clusters.addresses(port));
    settings.secretFile(secret);
    MemberRules rules = settings.memberRules(ClusterSecretTest.class);
    HazelcastInstance member =
        Hazelcast.newHazelcastInstance(settings.memberConfig("signed-member", rules));
    ClientConfig config = new ClientConfig();
    config.setClusterName(cluster);
    config.getNetworkConfig().addAddress(Clusters.addresses(port).replace("-" + (port + 9), ""));
    config
        .getSerializationConfig()
        .addDataSerializableFactory(MemberTask.FACTORY_ID, MemberTask.FACTORY);
    HazelcastInstance raw = HazelcastClient.newHazelcastClient(config);
    try {
      byte[] code = TaskBytes.code((dev.baton.process.PoolTask<Integer>) () -> 42);
      ClusterKeys wrong =
          new ClusterKeys(Files.readString(otherSecret).getBytes(StandardCharsets.UTF_8), cluster);
      for (ClusterKeys keys : java.util.Arrays.asList(null, wrong)) {
        MemberTask task =
            new MemberTask(Codec.COMPACT, Payloads.CALL, UUID.randomUUID(), 0, code, null, keys);
        byte[] reply =
            raw.getExecutorService(Settings.EXECUTOR)
                .submitToMember(task, raw.getCluster().getMembers().iterator().next())
                .get(Clusters.WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(reply[0]).isEqualTo(MemberTask.FAILED);
        assertThat(new String(reply, StandardCharsets.UTF_8)).contains("refused before anything");
      }
      assertThat(rules.decodes()).as("nothing was decoded").isZero();
    } finally {
      raw.shutdown();
      member.shutdown();
    }
  }

  @Test
  void withoutASecretAPoolRefusesAddressesBeyondTheLoopbackAndSaysHowToSetOne() {
    assertThatThrownBy(() -> ClusterPool.builder().addresses("10.1.2.3:5701").client().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("10.1.2.3:5701")
        .hasMessageContaining("no cluster secret")
        .hasMessageContaining("secret(Path.of(");
    assertThatThrownBy(() -> ClusterMember.builder().addresses("10.1.2.3:5701").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("--secret-file=");
  }
}
