package dev.baton.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.process.PoolFunction;
import dev.baton.process.internal.TaskBytes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A member's cache of decoded functions: the chunks of one map arrive on several task threads at
 * once, and the function is still decoded once per member, all of them running the one decoded.
 */
class MemberRulesCacheTest {
  private static final int THREADS = 8;

  @Test
  void aFunctionThatArrivesOnManyThreadsAtOnceIsDecodedOnce() throws Exception {
    MemberRules rules = new Settings().memberRules(MemberRulesCacheTest.class);
    PoolFunction<Integer, Integer> inc = x -> x + 1;
    byte[] code = TaskBytes.code(inc);
    ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    try {
      for (int round = 0; round < 20; round++) {
        long functionId = round + 1;
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<Object>> decoded = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          decoded.add(
              threads.submit(
                  () -> {
                    start.await(30, TimeUnit.SECONDS);
                    return rules.function(1, 2, functionId, code);
                  }));
        }
        Object first = decoded.getFirst().get(30, TimeUnit.SECONDS);
        for (Future<Object> f : decoded) {
          assertThat(f.get(30, TimeUnit.SECONDS)).isSameAs(first);
        }
        assertThat(rules.decodes())
            .as("decodes after %d functions", functionId)
            .isEqualTo(functionId);
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
