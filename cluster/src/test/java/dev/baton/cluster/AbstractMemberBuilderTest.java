package dev.baton.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Both builders take the shared settings under one name each, return themselves from them so that
 * shared and own settings chain in any order, and refuse bad values naming the setter. No member
 * starts.
 */
class AbstractMemberBuilderTest {
  @Test
  void sharedSettingsReturnTheBuilderTheyWereCalledOn() {
    ClusterPool.Builder pool = ClusterPool.builder();
    assertThat(
            pool.threads(2)
                .name("chained")
                .clusterName("chained-test")
                .closeTimeout(Duration.ofSeconds(5))
                .port(24900)
                .client()
                .failureDetection(Duration.ofSeconds(3))
                .startupTimeout(Duration.ofSeconds(5)))
        .isSameAs(pool);

    ClusterMember.Builder member = ClusterMember.builder();
    assertThat(
            member
                .classPath("cp")
                .threads(1)
                .jvmOptions("-Xmx64m")
                .addresses("127.0.0.1")
                .allowClasses("java.lang.*")
                .deserializationLimits(10, 100, 4096))
        .isSameAs(member);
  }

  @Test
  void badValuesNameTheSetterOnBothBuilders() {
    assertThatThrownBy(() -> ClusterPool.builder().threads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be >= 1, was 0");
    assertThatThrownBy(() -> ClusterMember.builder().threads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threads must be >= 1, was 0");
    assertThatThrownBy(() -> ClusterMember.builder().startupTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("startupTimeout must be positive, was PT0S");
    assertThatThrownBy(() -> ClusterPool.builder().startupTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("startupTimeout must be positive, was PT-1S");
  }
}
