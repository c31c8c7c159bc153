package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.IExecutorService;
import dev.baton.cluster.forbidden.CallableGadget;
import dev.baton.cluster.forbidden.DataGadget;
import dev.baton.cluster.forbidden.Gadget;
import dev.baton.cluster.internal.MemberRules;
import dev.baton.cluster.internal.Settings;
import dev.baton.process.TaskSerializationException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A member decides what it runs: its own allow-list, whatever the caller's, and no task but
 * Baton's, whatever a raw Hazelcast client sends to whichever executor. One member in this JVM,
 * with the default allow-list; the callers are clients.
 */
class MemberRulesTest {
  private static String cluster;
  private static int port;
  private static ClusterMember member;

  @BeforeAll
  static void startMember() {
    cluster = Clusters.uniqueName("rules-test");
    port = Clusters.randomPort();
    member =
        ClusterMember.builder()
            .clusterName(cluster)
            .port(port)
            .addresses(Clusters.addresses(port))
            .threads(2)
            .failureDetection(Clusters.FAILURE_DETECTION)
            .start();
  }

  @AfterAll
  static void stopMember() {
    if (member != null) {
      member.close();
    }
  }

  @Test
  void aCallersPermissiveListDoesNotWidenTheMembersList() throws Exception {
    try (ClusterPool pool =
        ClusterPool.builder()
            .name("permissive")
            .clusterName(cluster)
            .addresses(Clusters.addresses(port))
            .client()
            .allowClasses("*")
            .build()) {
      assertThatThrownBy(() -> pool.map((Object g) -> 1, List.of(new Gadget(1)), 1))
          .isInstanceOf(TaskSerializationException.class)
          .hasMessageContaining("refused task")
          .hasMessageContaining(Gadget.class.getName());
      assertThat(pool.apply(() -> "serving on")).isEqualTo("serving on");
    }
  }

  @Test
  void aStatelessTaskSentAThousandTimesIsDecodedOncePerMember() throws Exception {
    String name = Clusters.uniqueName("decode-test");
    int first = Clusters.randomPort();
    Settings settings = new Settings();
    settings.clusterName(name);
    settings.port(first);
    settings.addresses(Clusters.addresses(first));
    MemberRules rules = settings.memberRules(MemberRulesTest.class);
    HazelcastInstance counted =
        Hazelcast.newHazelcastInstance(settings.memberConfig("decode-member", rules));
    try (ClusterPool pool =
        ClusterPool.builder()
            .name("decode")
            .clusterName(name)
            .addresses(Clusters.addresses(first))
            .client()
            .build()) {
      for (int i = 0; i < 1_000; i++) {
        assertThat(pool.apply(() -> 6 * 7)).isEqualTo(42);
      }
      assertThat(pool.map(x -> x + 1, List.of(1, 2, 3, 4), 1)).containsExactly(2, 3, 4, 5);
      assertThat(rules.decodes()).as("the task once, the map's function once").isEqualTo(2);
    } finally {
      counted.shutdown();
    }
  }

  @Test
  void aRawClientsGadgetNeverRunsWhateverTheExecutorsName() throws Exception {
    ClientConfig config = new ClientConfig();
    config.setClusterName(cluster);
    config.getNetworkConfig().addAddress(member.address());
    config
        .getConnectionStrategyConfig()
        .getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(Clusters.WAIT.toMillis());
    HazelcastInstance raw = HazelcastClient.newHazelcastClient(config);
    try {
      for (String executor : List.of("baton-pool", "anything")) {
        IExecutorService service = raw.getExecutorService(executor);
        for (Object gadget : List.of(new CallableGadget(), new DataGadget())) {
          @SuppressWarnings("unchecked")
          Future<String> f =
              service.submitToMember(
                  (java.util.concurrent.Callable<String>) gadget,
                  raw.getCluster().getMembers().iterator().next());
          assertThatThrownBy(() -> f.get(Clusters.WAIT.toSeconds(), TimeUnit.SECONDS))
              .as("%s to executor %s", gadget.getClass().getSimpleName(), executor)
              .isInstanceOf(ExecutionException.class);
        }
      }
    } finally {
      raw.shutdown();
    }
    assertThat(CallableGadget.READ).as("readObject ran on the member").isFalse();
    assertThat(CallableGadget.CALLED).as("call ran on the member").isFalse();
    assertThat(DataGadget.CALLED).as("call ran on the member").isFalse();
  }
}
