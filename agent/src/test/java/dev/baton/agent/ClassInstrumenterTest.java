package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.internal.ClassInstrumenter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import org.junit.jupiter.api.Test;

/**
 * Where the instrumenter puts a loop's checkpoint: at the back branch, unless the block that ends
 * with it calls a method of the class whose entry is certainly a checkpoint. The loops still run
 * (the bytecode verifies and computes the same sums).
 */
class ClassInstrumenterTest {
  private static final String SHAPES = InstrumentingLoader.SAMPLES + "LoopShapes";

  @Test
  void aLoopWhoseLastBlockCallsAPollingMethodOfItsClassIsPolledThereOnly() throws IOException {
    ClassModel model = instrumented();
    assertThat(backBranchPolls(model, "selfCalls")).isZero();
  }

  @Test
  void otherLoopsArePolledAtTheirBackBranch() throws IOException {
    ClassModel model = instrumented();
    assertThat(backBranchPolls(model, "overridable")).as("overridable callee").isEqualTo(1);
    assertThat(backBranchPolls(model, "jdkCalls")).as("JDK callee").isEqualTo(1);
    assertThat(backBranchPolls(model, "conditionalCalls")).as("call on one path").isEqualTo(1);
    assertThat(backBranchPolls(model, "noCalls")).as("no call").isEqualTo(1);
  }

  @Test
  void theInstrumentedLoopsComputeWhatTheOriginalsDo() throws Exception {
    try (AgentFixture agent = new AgentFixture(java.time.Duration.ofMillis(5))) {
      Class<?> shapes = agent.sample("LoopShapes");
      Object instance = shapes.getConstructor().newInstance();
      assertThat(shapes.getMethod("selfCalls", int.class).invoke(null, 10)).isEqualTo(90L);
      assertThat(shapes.getMethod("overridable", int.class).invoke(instance, 10)).isEqualTo(90L);
      assertThat(shapes.getMethod("jdkCalls", int.class).invoke(null, 10)).isEqualTo(24L);
      assertThat(shapes.getMethod("conditionalCalls", int.class).invoke(null, 10)).isEqualTo(40L);
      assertThat(shapes.getMethod("noCalls", int.class).invoke(null, 10)).isEqualTo(45L);
    }
  }

  private static ClassModel instrumented() throws IOException {
    byte[] bytes;
    try (InputStream in =
        ClassInstrumenterTest.class
            .getClassLoader()
            .getResourceAsStream(SHAPES.replace('.', '/') + ".class")) {
      bytes = in.readAllBytes();
    }
    return ClassFile.of().parse(ClassInstrumenter.instrument(bytes, null));
  }

  /** Calls of Hooks.poll() in a method: in these samples, only back branches call it. */
  private static long backBranchPolls(ClassModel model, String name) {
    MethodModel method =
        model.methods().stream()
            .filter(m -> m.methodName().equalsString(name))
            .findFirst()
            .orElseThrow();
    return method
        .code()
        .orElseThrow()
        .elementStream()
        .filter(e -> e instanceof InvokeInstruction call && call.name().equalsString("poll"))
        .count();
  }
}
