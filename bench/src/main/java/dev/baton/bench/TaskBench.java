package dev.baton.bench;

import dev.baton.eventloop.EventLoop;
import dev.baton.eventloop.TaskBody;
import dev.baton.eventloop.TaskMechanism;
import dev.baton.eventloop.Tasks;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Tasks on Baton's loop, per mechanism: a task switch at an await ({@code Tasks.sleep(ZERO)}: the
 * task suspends, the loop runs a pass, the task resumes; asyncio's {@code await asyncio.sleep(0)}),
 * and create + await of a trivial task. Each invocation is one {@code EventLoop.run} doing {@value
 * #COUNT} of them, so the loop's set-up is spread over them. The forked JVM gets {@code
 * --add-exports java.base/jdk.internal.vm=ALL-UNNAMED} so continuations are available.
 */
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED"})
@State(Scope.Benchmark)
public class TaskBench extends BenchShape.Defaults {
  static final int COUNT = 10_000;

  private static final TaskBody<Integer> TRIVIAL = () -> 1;

  /** How tasks get their own stack. */
  @Param({"VIRTUAL_THREADS", "CONTINUATIONS"})
  public TaskMechanism mechanism;

  /**
   * @return the number of switches
   */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  @OperationsPerInvocation(COUNT)
  public int taskSwitch() {
    return EventLoop.run(
        "bench",
        mechanism,
        () -> {
          for (int i = 0; i < COUNT; i++) {
            Tasks.sleep(Duration.ZERO);
          }
          return COUNT;
        });
  }

  /**
   * @return the sum of the tasks' results
   */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @OperationsPerInvocation(COUNT)
  public int createAwait() {
    return EventLoop.run(
        "bench",
        mechanism,
        () -> {
          EventLoop loop = EventLoop.current();
          int sum = 0;
          for (int i = 0; i < COUNT; i++) {
            sum += Tasks.await(loop.createTask("t", TRIVIAL));
          }
          return sum;
        });
  }
}
