package dev.baton.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.agent.internal.ClassInstrumenter;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassFileVersion;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.Method;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Class files the compiler of today does not write: versions before 50 (no stack maps), jsr/ret
 * subroutines, and a method too large for its checkpoints. Each is instrumented, and its race is
 * gone under the GIL.
 */
class ClassFileShapesTest {
  private static final int TIMES = 2_000_000;
  private static final ClassDesc OLD_COUNTER = ClassDesc.of("gen.OldCounter");
  private static final MethodTypeDesc OF_INT =
      MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int);

  @ParameterizedTest
  @ValueSource(ints = {45, 48, 49})
  void aClassFileOlderThanJava6IsInstrumentedAndLosesNoUpdate(int version) throws Exception {
    byte[] old = withVersion(sampleBytes("Race"), version);
    byte[] rewritten = ClassInstrumenter.instrument(old, null);
    assertThat(rewritten).as("instrumented").isNotNull();
    assertThat(ClassFile.of().parse(rewritten).majorVersion()).isEqualTo(version);
    raceIsExact("dev.baton.agent.sample.Race", rewritten, "plain");
  }

  @Test
  void jsrAndRetSubroutinesAreInstrumentedAndLoseNoUpdate() throws Exception {
    byte[] bytes = jsrCounter();
    assertThat(
            ClassFile.of().parse(bytes).methods().stream()
                .flatMap(m -> m.code().orElseThrow().elementStream())
                .anyMatch(e -> e instanceof DiscontinuedInstruction.JsrInstruction))
        .isTrue();
    byte[] rewritten = ClassInstrumenter.instrument(bytes, null);
    assertThat(rewritten).as("instrumented").isNotNull();
    raceIsExact("gen.OldCounter", rewritten, "add");
  }

  @Test
  void aMethodTooLargeForItsCheckpointsLosesOnlyThoseAndIsNamed() throws Exception {
    byte[] bytes = largeClass();
    byte[] rewritten;
    try (LogCapture log = new LogCapture()) {
      rewritten = ClassInstrumenter.instrument(bytes, null);
      assertThat(log.text())
          .containsOnlyOnce("gen.Large.big(I)I is too large to add checkpoints to its loops");
    }
    assertThat(rewritten).as("instrumented").isNotNull();
    ClassModel model = ClassFile.of().parse(rewritten);
    assertThat(calls(model, "big", "enter")).as("big attaches").isEqualTo(1);
    assertThat(calls(model, "big", "poll")).as("big's loops").isZero();
    assertThat(calls(model, "small", "poll")).as("small's loop").isEqualTo(1);
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(5))) {
      Class<?> large = new BytesLoader("gen.Large", rewritten).loadClass("gen.Large");
      assertThat(large.getMethod("big", int.class).invoke(null, 1)).isEqualTo(LOOPS * 3);
      assertThat(large.getMethod("small", int.class).invoke(null, 10)).isEqualTo(10);
      assertThat(agent.runtime.gil().holder()).isNull();
    }
  }

  // ---------------------------------------------------------------- helpers

  private static void raceIsExact(String name, byte[] rewritten, String method) throws Exception {
    try (AgentFixture agent = new AgentFixture(Duration.ofMillis(1))) {
      Class<?> type = new BytesLoader(name, rewritten).loadClass(name);
      Method add = type.getMethod(method, int.class);
      AgentFixture.runTwice(() -> add.invoke(null, TIMES));
      assertThat(type.getField("counter").getInt(null)).isEqualTo(2 * TIMES);
      assertThat(agent.runtime.stats().forcedSwitches())
          .as("%s", agent.runtime.stats())
          .isPositive();
    }
  }

  private static byte[] sampleBytes(String simpleName) throws IOException {
    String resource = (InstrumentingLoader.SAMPLES + simpleName).replace('.', '/') + ".class";
    try (InputStream in =
        ClassFileShapesTest.class.getClassLoader().getResourceAsStream(resource)) {
      return in.readAllBytes();
    }
  }

  private static byte[] withVersion(byte[] bytes, int major) {
    ClassFile noMaps = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);
    return noMaps.transformClass(
        noMaps.parse(bytes),
        (b, e) -> {
          if (e instanceof ClassFileVersion) {
            b.withVersion(major, 0);
          } else {
            b.with(e);
          }
        });
  }

  /**
   * Version 49, as javac 1.4 wrote a finally block: {@code for (i = 0; i < n; i++) jsr inc;} where
   * the subroutine {@code inc} does {@code counter = counter + 1}.
   */
  private static byte[] jsrCounter() {
    return ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS)
        .build(
            OLD_COUNTER,
            c -> {
              c.withVersion(ClassFile.JAVA_5_VERSION, 0);
              c.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_SUPER);
              c.withField(
                  "counter", ConstantDescs.CD_int, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC);
              c.withMethodBody(
                  "add",
                  OF_INT,
                  ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                  b -> {
                    Label loop = b.newLabel();
                    Label end = b.newLabel();
                    Label inc = b.newLabel();
                    b.iconst_0();
                    b.istore(1);
                    b.labelBinding(loop);
                    b.iload(1);
                    b.iload(0);
                    b.if_icmpge(end);
                    b.with(DiscontinuedInstruction.JsrInstruction.of(inc));
                    b.iinc(1, 1);
                    b.goto_(loop);
                    b.labelBinding(inc);
                    b.astore(2);
                    b.getstatic(OLD_COUNTER, "counter", ConstantDescs.CD_int);
                    b.iconst_1();
                    b.iadd();
                    b.putstatic(OLD_COUNTER, "counter", ConstantDescs.CD_int);
                    b.with(DiscontinuedInstruction.RetInstruction.of(2));
                    b.labelBinding(end);
                    b.return_();
                  });
            });
  }

  /** Loops in {@code big}: 13 bytes each, about 63 KB in all, and 3 bytes more each if polled. */
  private static final int LOOPS = 4_900;

  /**
   * {@code big(n)} runs {@link #LOOPS} loops of 3 iterations each and returns their count; {@code
   * small(n)} counts to n.
   */
  private static byte[] largeClass() {
    ClassDesc large = ClassDesc.of("gen.Large");
    MethodTypeDesc intToInt = MethodTypeDesc.of(ConstantDescs.CD_int, ConstantDescs.CD_int);
    return ClassFile.of()
        .build(
            large,
            c -> {
              c.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_SUPER);
              c.withMethodBody(
                  "big",
                  intToInt,
                  ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                  b -> {
                    b.iconst_0();
                    b.istore(1);
                    for (int i = 0; i < LOOPS; i++) {
                      countedLoop(b, 2, 3);
                    }
                    b.iload(1);
                    b.ireturn();
                  });
              c.withMethodBody(
                  "small",
                  intToInt,
                  ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                  b -> {
                    Label loop = b.newLabel();
                    Label end = b.newLabel();
                    b.iconst_0();
                    b.istore(1);
                    b.labelBinding(loop);
                    b.iload(1);
                    b.iload(0);
                    b.if_icmpge(end);
                    b.iinc(1, 1);
                    b.goto_(loop);
                    b.labelBinding(end);
                    b.iload(1);
                    b.ireturn();
                  });
            });
  }

  /** {@code for (i = 0; i < times; i++) total++;} with i in slot, total in slot 1. */
  private static void countedLoop(CodeBuilder b, int slot, int times) {
    Label loop = b.newLabel();
    b.iconst_0();
    b.istore(slot);
    b.labelBinding(loop);
    b.iinc(1, 1);
    b.iinc(slot, 1);
    b.iload(slot);
    b.iconst_3();
    b.if_icmplt(loop);
    assert times == 3;
  }

  private static long calls(ClassModel model, String method, String hook) {
    MethodModel m =
        model.methods().stream()
            .filter(x -> x.methodName().equalsString(method))
            .findFirst()
            .orElseThrow();
    return m.code()
        .orElseThrow()
        .elementStream()
        .filter(
            e ->
                e instanceof InvokeInstruction call
                    && call.opcode() == Opcode.INVOKESTATIC
                    && call.owner().asInternalName().equals("dev/baton/agent/runtime/Hooks")
                    && call.name().equalsString(hook))
        .count();
  }

  /** Defines one class from the given bytes; everything else from the test's loader. */
  private static final class BytesLoader extends ClassLoader {
    private final String name;
    private final byte[] bytes;

    BytesLoader(String name, byte[] bytes) {
      super(ClassFileShapesTest.class.getClassLoader());
      this.name = name;
      this.bytes = bytes;
    }

    @Override
    protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
      if (!className.equals(name)) {
        return super.loadClass(className, resolve);
      }
      synchronized (getClassLoadingLock(className)) {
        Class<?> loaded = findLoadedClass(className);
        if (loaded == null) {
          loaded = defineClass(className, bytes, 0, bytes.length);
        }
        return loaded;
      }
    }
  }
}
