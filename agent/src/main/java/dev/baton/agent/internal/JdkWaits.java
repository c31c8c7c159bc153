package dev.baton.agent.internal;

import dev.baton.agent.runtime.Hooks;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Where every JDK wait ends. A park (every java.util.concurrent wait: locks, conditions, queues,
 * latches, phasers, exchangers, StampedLock, ForkJoinPool joins and executors' awaits), an
 * Object.wait (synchronized waits, Thread.join) and a sleep all end in three native methods:
 * Unsafe.park, Object.wait0 and Thread.sleepNanos0. Their Java callers in java.base are few
 * (TARGETS), so the agent retransforms those callers at start-up: each call of one of the three
 * becomes
 *
 *   t = BatonWaits.begin(); try { the call } finally { BatonWaits.end(t); }
 *
 * BatonWaits is a class the agent defines in java.base's jdk.internal.misc (so that java.base code
 * can call it without new module edges; the package is opened to the agent for that one
 * definition). Its two static fields hold Hooks.jdkWaitBegin and Hooks.jdkWaitEnd, which release
 * the GIL when the waiting thread holds it (see Hooks, "Every JDK wait"); while they are null, and
 * for every thread that holds no GIL, begin() is a field read and a ThreadLocal look-up.
 *
 * Why the callers and not the natives: a native-method prefix needs new methods, which a
 * retransformation may not add, and these classes are loaded before any agent runs.
 * Retransformation keeps the methods, fields and flags; it changes only the bodies, as required.
 */

/**
 * Makes the JDK's own waits release the GIL, whatever path reached them; see the design note in the
 * source.
 */
public final class JdkWaits {
  private static final Logger LOG = LoggerFactory.getLogger(JdkWaits.class);

  private static final String BRIDGE_NAME = "jdk.internal.misc.BatonWaits";
  private static final ClassDesc BRIDGE = ClassDesc.of(BRIDGE_NAME);
  private static final MethodTypeDesc BEGIN = MethodTypeDesc.of(ConstantDescs.CD_int);
  private static final MethodTypeDesc END =
      MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int);

  /** The java.base classes whose calls of the three natives are wrapped. */
  static final List<String> TARGETS =
      List.of(
          "java.util.concurrent.locks.LockSupport",
          "java.util.concurrent.locks.AbstractQueuedSynchronizer",
          "java.util.concurrent.locks.AbstractQueuedLongSynchronizer",
          "java.util.concurrent.ForkJoinPool",
          "java.lang.Object",
          "java.lang.Thread");

  /** The natives, as owner, name and descriptor. */
  private static final Set<String> WAITS =
      Set.of(
          "jdk/internal/misc/Unsafe.park(ZJ)V",
          "java/lang/Object.wait0(J)V",
          "java/lang/Thread.sleepNanos0(J)V");

  private JdkWaits() {}

  /**
   * Defines the bridge, points it at {@link Hooks}, and retransforms {@link #TARGETS}.
   *
   * @param instrumentation the JVM's instrumentation service, with retransformation
   * @return the classes that were rewritten, by name
   */
  public static List<String> install(Instrumentation instrumentation) {
    if (!instrumentation.isRetransformClassesSupported()) {
      LOG.warn(
          "baton-agent: the JVM cannot retransform classes (Can-Retransform-Classes missing from"
              + " the agent's manifest?): JDK waits reached outside the listed blocking calls keep"
              + " the GIL");
      return List.of();
    }
    try {
      defineBridge(instrumentation);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.warn(
          "baton-agent: could not define {}: JDK waits reached outside the listed blocking calls"
              + " keep the GIL",
          BRIDGE_NAME,
          e);
      return List.of();
    }
    instrumentation.addTransformer(new Transformer(), true);
    List<String> done = new ArrayList<>();
    for (String name : TARGETS) {
      try {
        Class<?> type = Class.forName(name, false, null);
        if (!instrumentation.isModifiableClass(type)) {
          LOG.warn("baton-agent: {} cannot be retransformed: its waits keep the GIL", name);
          continue;
        }
        instrumentation.retransformClasses(type);
        done.add(name);
      } catch (Exception | LinkageError e) {
        LOG.warn("baton-agent: could not retransform {}: its waits keep the GIL", name, e);
      }
    }
    return done;
  }

  private static void defineBridge(Instrumentation instrumentation)
      throws ReflectiveOperationException {
    Module base = Object.class.getModule();
    instrumentation.redefineModule(
        base,
        Set.of(),
        Map.of(),
        Map.of("jdk.internal.misc", Set.of(JdkWaits.class.getModule())),
        Set.of(),
        Map.of());
    MethodHandles.Lookup inMisc =
        MethodHandles.privateLookupIn(
            Class.forName("jdk.internal.misc.Unsafe", false, null), MethodHandles.lookup());
    Class<?> bridge;
    try {
      bridge = Class.forName(BRIDGE_NAME, false, null);
    } catch (ClassNotFoundException e) {
      bridge = inMisc.defineClass(bridgeBytes());
    }
    IntSupplier begin = Hooks::jdkWaitBegin;
    IntConsumer end = Hooks::jdkWaitEnd;
    inMisc.findStaticVarHandle(bridge, "END", IntConsumer.class).setVolatile(end);
    inMisc.findStaticVarHandle(bridge, "BEGIN", IntSupplier.class).setVolatile(begin);
  }

  /**
   *
   *
   * <pre>
   * public final class BatonWaits {
   *   public static volatile IntSupplier BEGIN;
   *   public static volatile IntConsumer END;
   *   public static int begin() { IntSupplier b = BEGIN; return b == null ? 0 : b.getAsInt(); }
   *   public static void end(int t) { if (t != 0) END.accept(t); }
   * }
   * </pre>
   */
  static byte[] bridgeBytes() {
    ClassDesc supplier = ClassDesc.of(IntSupplier.class.getName());
    ClassDesc consumer = ClassDesc.of(IntConsumer.class.getName());
    int fieldFlags = ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC | ClassFile.ACC_VOLATILE;
    int methodFlags = ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC;
    return ClassFile.of()
        .build(
            BRIDGE,
            c -> {
              c.withVersion(ClassFile.JAVA_21_VERSION, 0);
              c.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
              c.withField("BEGIN", supplier, fieldFlags);
              c.withField("END", consumer, fieldFlags);
              c.withMethodBody(
                  "begin",
                  BEGIN,
                  methodFlags,
                  b -> {
                    Label none = b.newLabel();
                    b.getstatic(BRIDGE, "BEGIN", supplier);
                    b.dup();
                    b.ifnull(none);
                    b.invokeinterface(
                        supplier, "getAsInt", MethodTypeDesc.of(ConstantDescs.CD_int));
                    b.ireturn();
                    b.labelBinding(none);
                    b.pop();
                    b.iconst_0();
                    b.ireturn();
                  });
              c.withMethodBody(
                  "end",
                  END,
                  methodFlags,
                  b -> {
                    Label none = b.newLabel();
                    b.iload(0);
                    b.ifeq(none);
                    b.getstatic(BRIDGE, "END", consumer);
                    b.iload(0);
                    b.invokeinterface(
                        consumer,
                        "accept",
                        MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_int));
                    b.labelBinding(none);
                    b.return_();
                  });
            });
  }

  /**
   * The rewrite of one target class: each call of a wait between the bridge's begin and end.
   *
   * @return the rewritten class, or null when it calls none of the waits
   */
  static byte[] rewrite(byte[] bytes) {
    ClassFile classFile =
        ClassFile.of(
            ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.ofResourceParsing(ClassLoader.getSystemClassLoader())));
    ClassModel model = classFile.parse(bytes);
    boolean any = false;
    for (MethodModel method : model.methods()) {
      if (method.code().isPresent() && waitCount(method.code().orElseThrow()) > 0) {
        any = true;
      }
    }
    if (!any) {
      return null;
    }
    ClassTransform transform =
        (classBuilder, element) -> {
          if (element instanceof MethodModel method
              && method.code().isPresent()
              && waitCount(method.code().orElseThrow()) > 0) {
            classBuilder.transformMethod(
                method,
                (methodBuilder, methodElement) -> {
                  if (methodElement instanceof CodeModel code) {
                    methodBuilder.transformCode(code, new WrapWaits(waitCount(code)));
                  } else {
                    methodBuilder.with(methodElement);
                  }
                });
          } else {
            classBuilder.with(element);
          }
        };
    return classFile.transformClass(model, transform);
  }

  private static int waitCount(CodeModel code) {
    int n = 0;
    for (CodeElement e : code) {
      if (e instanceof InvokeInstruction call && isWait(call)) {
        n++;
      }
    }
    return n;
  }

  private static boolean isWait(InvokeInstruction call) {
    return WAITS.contains(
        call.owner().asInternalName()
            + "."
            + call.name().stringValue()
            + call.type().stringValue());
  }

  /** Wraps each wait of one method body. */
  private static final class WrapWaits implements CodeTransform {
    private final Label[] starts;
    private final Label[] ends;
    private final Label[] handlers;
    private int next;

    WrapWaits(int count) {
      starts = new Label[count];
      ends = new Label[count];
      handlers = new Label[count];
    }

    /**
     * The handlers are registered first, so that a try of the method around a wait cannot catch an
     * exception before the GIL is back.
     */
    @Override
    public void atStart(CodeBuilder b) {
      for (int i = 0; i < starts.length; i++) {
        starts[i] = b.newLabel();
        ends[i] = b.newLabel();
        handlers[i] = b.newLabel();
        b.exceptionCatchAll(starts[i], ends[i], handlers[i]);
      }
    }

    @Override
    public void accept(CodeBuilder b, CodeElement element) {
      if (!(element instanceof InvokeInstruction call) || !isWait(call)) {
        b.with(element);
        return;
      }
      int i = next++;
      int token = b.allocateLocal(TypeKind.INT);
      b.invokestatic(BRIDGE, "begin", BEGIN);
      b.istore(token);
      b.labelBinding(starts[i]);
      b.with(call);
      b.labelBinding(ends[i]);
      b.iload(token);
      b.invokestatic(BRIDGE, "end", END);
      Label after = b.newLabel();
      b.goto_(after);
      b.labelBinding(handlers[i]);
      b.iload(token);
      b.invokestatic(BRIDGE, "end", END);
      b.athrow();
      b.labelBinding(after);
    }
  }

  /** Rewrites {@link #TARGETS} when they are retransformed. */
  private static final class Transformer implements ClassFileTransformer {
    @Override
    public byte[] transform(
        Module module,
        ClassLoader loader,
        String className,
        Class<?> classBeingRedefined,
        ProtectionDomain protectionDomain,
        byte[] classfileBuffer) {
      if (loader != null
          || classBeingRedefined == null
          || className == null
          || !TARGETS.contains(className.replace('/', '.'))) {
        return null;
      }
      try {
        return rewrite(classfileBuffer);
      } catch (RuntimeException e) {
        LOG.warn("baton-agent: could not rewrite {}: its waits keep the GIL", className, e);
        return null;
      }
    }
  }
}
