package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JDK waits that no call of included code names, and JDK locks held while included code is called
 * back, under the agent on a child JVM ({@code demo.waits.app.WaitCases}): each case needs another
 * thread of included code to get the GIL before the waiting thread can go on, so a wait that kept
 * the GIL ends the child at its per-case deadline with "TIMEOUT case" and a thread dump.
 */
class JdkWaitsTest {
  @TempDir Path dir;

  private BatonAgentTest.Run run(String... cases) throws Exception {
    BatonAgentTest child = new BatonAgentTest();
    child.dir = dir;
    String[] args = new String[cases.length + 1];
    args[0] = "20";
    System.arraycopy(cases, 0, args, 1, cases.length);
    return child.java("include=demo.waits.app.,interval=1ms", "demo.waits.app.WaitCases", args);
  }

  @Test
  void waitsBelowCallsTheAgentDoesNotNameReleaseTheGil() throws Exception {
    BatonAgentTest.Run run =
        run(
            "executorClose",
            "invokeAll",
            "awaitTermination",
            "parallelStream",
            "phaser",
            "exchanger",
            "stampedLock",
            "interfaceWait",
            "reflectiveJoin");
    assertThat(run.out())
        .as(run.err())
        .doesNotContain("TIMEOUT")
        .contains("executorClose=800000")
        .contains("invokeAll=800000")
        .contains("awaitTermination=true")
        .contains("parallelStream=1280000")
        .contains("phaser=1")
        .contains("exchanger=from other")
        .contains("stampedLock=200000")
        .contains("interfaceWait=item")
        .contains("reflectiveJoin=200000");
    assertThat(run.exit()).as(run.out()).isZero();
  }

  @Test
  void includedCodeCalledBackUnderAJdkLockKeepsTheGilUntilItLeavesTheLock() throws Exception {
    BatonAgentTest.Run run = run("concurrentHashMap", "synchronizedMap");
    assertThat(run.out())
        .as(run.err())
        .doesNotContain("TIMEOUT")
        .contains("concurrentHashMap=2000")
        .contains("synchronizedMap=2000");
    assertThat(run.exit()).as(run.out()).isZero();
  }
}
